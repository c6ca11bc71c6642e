import pytest

from monitors.models import Category, Monitor
from statuspage.enums import Protocol
from statuspage.models import ApiKey


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
