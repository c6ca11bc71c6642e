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
