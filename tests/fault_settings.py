"""Settings of the product in the fault tests: production's (through
tests/engine_settings.py, which only prefixes the broker's Redis keys), and,
when FAULT_VISIBILITY_TIMEOUT is set, a broker that hands unacknowledged
messages out again after that many seconds and looks for them every second,
so a killed worker's batch is redelivered while it is still worth running."""

import os

from tests.engine_settings import *  # noqa: F403
from tests.engine_settings import CELERY_BROKER_TRANSPORT_OPTIONS

if "FAULT_VISIBILITY_TIMEOUT" in os.environ:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": float(os.environ["FAULT_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
