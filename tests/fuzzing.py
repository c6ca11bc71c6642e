"""Hypothesis settings shared by the fuzz tests: a fixed, repeatable set of
examples in `make test`; ``FUZZ_EXAMPLES=500`` runs more, new ones each time."""

import os

from hypothesis import HealthCheck, settings


def fuzz_settings(examples: int) -> settings:
    chosen = os.environ.get("FUZZ_EXAMPLES")
    return settings(
        max_examples=int(chosen or examples),
        deadline=None,
        derandomize=chosen is None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
