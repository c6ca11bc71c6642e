"""Settings for the test suite: the same as production but for a fixed secret
and plain static storage (tests render pages without running collectstatic)."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# The metrics of this test process only (not var/'s, nor a previous run's).
os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="statuspage-metrics-")
atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)

from statuspage.settings import *  # noqa: E402,F403

# Last-good page copies of this test process only.
PAGE_SNAPSHOT_DIR = tempfile.mkdtemp(prefix="statuspage-snapshots-")
atexit.register(shutil.rmtree, PAGE_SNAPSHOT_DIR, ignore_errors=True)

# The embedded broker's queues of this test process only: a task queued when a
# test's transaction commits must not land in var/broker, where a `make run`
# worker would run it against its own database.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    _broker = tempfile.mkdtemp(prefix="statuspage-broker-")
    atexit.register(shutil.rmtree, _broker, ignore_errors=True)
    for _folder in ("queue", "processed", "control"):
        os.mkdir(os.path.join(_broker, _folder))
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "data_folder_in": os.path.join(_broker, "queue"),
        "data_folder_out": os.path.join(_broker, "queue"),
        "processed_folder": os.path.join(_broker, "processed"),
        "control_folder": os.path.join(_broker, "control"),
    }

STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits are off unless a test turns them on: the suite sends far more
# requests a minute from one address than any client should.
RATE_LIMIT_PER_KEY = RATE_LIMIT_PER_ADDRESS = RATE_LIMIT_FAILED_KEYS = "0"
SUBSCRIBE_RATE_PER_ADDRESS = SUBSCRIBE_RATE_PER_TARGET = "0"
SITE_URL = "https://status.example.test"
# With DATABASE_URL set (as in CI) the settings are production's, HTTPS-only;
# the test client speaks plain HTTP. The deploy settings have their own tests
# (test_security_settings.py), which start the real settings in a subprocess.
SECURE_SSL_REDIRECT = False
