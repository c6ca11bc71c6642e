"""Celery queue names of the probe engine: one queue per probe location, so a
worker started with ``-Q probes.UK`` probes from there. Kept free of models so
that settings can import it."""

from statuspage.enums import Location


def probe_queue(location: str) -> str:
    return f"probes.{location}"


PROBE_QUEUES = [probe_queue(code) for code in Location.values]
