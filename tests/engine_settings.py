"""Production settings for the engine's integration test and benchmark, with
the broker's Redis keys under a prefix of their own (ENGINE_KEY_PREFIX), so
runs sharing a Redis database never take each other's messages."""

import os

from statuspage.settings import *  # noqa: F403
from statuspage.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": os.environ.get("ENGINE_KEY_PREFIX", "engine:"),
}
