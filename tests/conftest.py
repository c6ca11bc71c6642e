import pytest
from django.test import Client

from core.enums import Protocol
from monitors.models import Category, Monitor
from statuspage.models import ApiKey
from tests.throwaway_servers import throwaway_postgres, throwaway_redis  # noqa: F401


@pytest.fixture
def api_key(db) -> str:
    """The raw secret of a read-write key."""
    return ApiKey.generate("tests")[1]


@pytest.fixture
def read_only_key(db) -> str:
    return ApiKey.generate("tests (read-only)", read_only=True)[1]


@pytest.fixture
def category(db) -> Category:
    return Category.objects.create(name="Webbhotell", display_order=1)


@pytest.fixture
def make_monitor(db):
    def make(**fields) -> Monitor:
        defaults = {"name": "Web", "protocol": Protocol.HTTP, "target": "https://example.test/"}
        return Monitor.objects.create(**{**defaults, **fields})

    return make


class HttpsClient(Client):
    """A test client that always speaks HTTPS, as clients of a production
    (HTTPS-only, SECURE_SSL_REDIRECT) deployment do."""

    def generic(self, *args, secure: bool = True, **kwargs):
        return super().generic(*args, secure=True, **kwargs)


@pytest.fixture
def https_client(db) -> HttpsClient:
    return HttpsClient()


@pytest.fixture
def api_php(https_client, api_key):
    """GET /api.php with a valid key; returns (status code, parsed JSON)."""

    def get(key: str | None = api_key, **params):
        query = {"key": key, **params} if key is not None else params
        response = https_client.get("/api.php", query)
        return response.status_code, response.json()

    return get


@pytest.fixture
def api_php_queries(https_client, api_key, django_assert_num_queries):
    """Asserts that GET /api.php with ``params`` runs ``count`` SQL queries
    besides the one that looks the key up."""
    https_client.get("/api.php", {"key": api_key})  # records the key's use (a write) now

    def check(count: int, **params) -> None:
        with django_assert_num_queries(1 + count):
            response = https_client.get("/api.php", {"key": api_key, **params})
        assert response.status_code == 200

    return check


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on a free local port; Django's mail goes to it."""
    from tests.alert_servers import SmtpSink

    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.stop()


@pytest.fixture
def http_receiver():
    """A real HTTP server on a free local port recording every POST."""
    from tests.alert_servers import HttpReceiver

    receiver = HttpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_channel(db):
    from alerts.models import NotificationChannel

    def make(kind: str, target: str, **fields) -> NotificationChannel:
        return NotificationChannel.objects.create(
            name=fields.pop("name", kind), kind=kind, target=target, **fields
        )

    return make


class V1Client:
    """Calls /v1/ over HTTPS (production redirects plain HTTP) with an X-API-Key."""

    def __init__(self, key: str | None) -> None:
        from django.test import Client

        self.client, self.key = Client(), key

    def call(self, method: str, path: str, body=None, *, key="default", raw=None, **kwargs):
        import json

        key = self.key if key == "default" else key
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        kwargs.setdefault("content_type", "application/json")
        headers = {"X-API-Key": key} if key is not None else {}
        return self.client.generic(
            method, f"/v1/{path}", data, secure=True, headers=headers, **kwargs
        )

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body=None, **kwargs):
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body=None, **kwargs):
        return self.call("PUT", path, body, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def v1(db, api_key) -> V1Client:
    """The v1 API with a read-write key: ``v1.post("monitors", {...})``."""
    return V1Client(api_key)


@pytest.fixture
def page_cache():
    """The page's cache, emptied before and after a test (it outlives transactions)."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def default_page_id(db) -> int:
    """The default status page's id: the migration's page, or 0 for the
    stand-in served when no page is stored (a transactional test flushed it)."""
    from pages.models import StatusPage

    return StatusPage.objects.filter(is_default=True).values_list("pk", flat=True).first() or 0


@pytest.fixture
def seed_page(db):
    """Fill the status page: ``categories`` x ``per_category`` monitors and two
    without a category, ``days`` of daily rollups each, ``incidents`` incidents
    (every other one resolved, each on two monitors) and two maintenance rows
    (one open now, one recurring). Returns the monitors."""
    from datetime import timedelta

    from django.utils import timezone

    from core.enums import IncidentStatus, RecurUnit, Severity, Status
    from incidents.models import Incident, IncidentUpdate
    from maintenance.models import ScheduledMaintenance
    from monitors.models import DailyRollup

    def seed(categories=2, per_category=2, incidents=2, days=3) -> list[Monitor]:
        now, today = timezone.now(), timezone.localdate()
        made = Category.objects.bulk_create(
            Category(name=f"Category {n}", display_order=n) for n in range(categories)
        )
        statuses = [Status.UP, Status.UP, Status.DOWN, Status.MAINTENANCE, Status.PENDING]
        monitors = Monitor.objects.bulk_create(
            Monitor(
                name=f"Monitor {c}-{n}", protocol=Protocol.HTTP, target="https://example.test/",
                category=made[c] if c < categories else None,
                status=statuses[(c + n) % len(statuses)], last_check=now,
            )
            for c in range(categories + 1)
            for n in range(per_category if c < categories else 2)
        )  # fmt: skip
        DailyRollup.objects.bulk_create(
            DailyRollup(monitor=m, day=today - timedelta(days=d), checks=1440, successes=1440 - d)
            for m in monitors
            for d in range(days)
        )
        for n in range(incidents):
            begun = now - timedelta(days=n % 10, hours=1)
            incident = Incident.objects.create(
                name=f"Incident {n}", severity=[Severity.OUTAGE, Severity.DEGRADED][n % 2],
                message=f"Looking at *it* ({n})", created_at=begun,
            )  # fmt: skip
            incident.monitors.set(monitors[n % len(monitors) :][:2])
            IncidentUpdate.objects.create(
                incident=incident, status=IncidentStatus.IDENTIFIED, message="Found it",
                created_at=begun + timedelta(minutes=20),
            )  # fmt: skip
            if n % 2:
                incident.status = IncidentStatus.RESOLVED
                incident.save()
        open_window = ScheduledMaintenance.objects.create(
            name="Database upgrade", starts_at=now - timedelta(minutes=30), duration_hours=2
        )
        open_window.monitors.set(monitors[:2])
        weekly = ScheduledMaintenance.objects.create(
            name="Weekly patching", starts_at=now - timedelta(days=20), duration_hours=1,
            recurring=True, recur_unit=RecurUnit.WEEK, recur_every=1,
            recur_until=now + timedelta(days=60),
        )  # fmt: skip
        weekly.monitors.set(monitors[-2:])
        return monitors

    return seed


@pytest.fixture
def https_admin_client(db, admin_user) -> "HttpsClient":
    """A logged-in superuser speaking HTTPS, as staff of a production deployment do."""
    client = HttpsClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def celery_eager():
    """Celery tasks run in the caller as soon as they are queued (after the
    transaction that queued them commits), exceptions raised."""
    from statuspage.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False
