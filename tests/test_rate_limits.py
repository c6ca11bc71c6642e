"""Both APIs are rate-limited per key, per client address and for failed key
attempts; a 429 says when to come back and keeps each API's error shape."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches

from statuspage.api import bodylimit, ratelimit
from statuspage.api.clientaddr import client_address, client_ip
from statuspage.api.legituptime.dialect import MAX_BODY_BYTES
from statuspage.api.ratelimit import Rate, hit
from statuspage.models import RateCounter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def bitup(client, key: str, **headers):
    return client.get("/api.php", {"key": key, "action": "stats"}, **headers)


def v1(client, key: str, **headers):
    return client.get("/v1/monitors", HTTP_X_API_KEY=key, **headers)


def test_a_key_over_its_limit_gets_429_with_retry_after(client, api_key, settings):
    settings.RATE_LIMIT_PER_KEY = "3/60"
    assert [bitup(client, api_key).status_code != 429 for _ in range(3)] == [True] * 3
    response = bitup(client, api_key)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == "error"
    assert "Too many requests" in response.json()["message"]


def test_the_v1_api_answers_429_in_its_own_error_shape(client, api_key, settings):
    settings.RATE_LIMIT_PER_KEY = "2/60"
    for _ in range(2):
        assert v1(client, api_key).status_code != 429
    response = v1(client, api_key)
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}
    assert response["Retry-After"].isdigit()


def test_each_client_address_has_its_own_limit(client, api_key, settings):
    settings.RATE_LIMIT_PER_ADDRESS = "2/60"
    for _ in range(2):
        assert bitup(client, api_key, REMOTE_ADDR="10.0.0.1").status_code != 429
    assert bitup(client, api_key, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert bitup(client, api_key, REMOTE_ADDR="10.0.0.2").status_code != 429


def test_failed_key_attempts_lock_the_address_out_but_a_valid_key_still_works(
    client, api_key, settings
):
    settings.RATE_LIMIT_FAILED_KEYS = "5/60"
    for _ in range(5):
        assert bitup(client, "sp_guess").status_code == 401
    assert bitup(client, "sp_guess").status_code == 429
    assert v1(client, "sp_guess").status_code == 429
    assert bitup(client, api_key).status_code != 429
    assert v1(client, api_key).status_code != 429


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(client, api_key, settings):
    settings.RATE_LIMIT_PER_ADDRESS = "1/60"
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert bitup(client, api_key, **spoofed).status_code != 429
    # Without a trusted proxy the header is ignored: same address, limited.
    assert bitup(client, api_key, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 429
    settings.TRUSTED_PROXY_COUNT = 1
    assert bitup(client, api_key, HTTP_X_FORWARDED_FOR="203.0.113.11").status_code != 429


def test_requests_without_a_key_count_as_failed_attempts(client, api_key, settings):
    settings.RATE_LIMIT_FAILED_KEYS = "3/60"
    for _ in range(3):
        assert client.get("/api.php", {"action": "stats"}).status_code == 401
    assert client.get("/v1/monitors").status_code == 429
    assert bitup(client, "sp_guess").status_code == 429
    assert bitup(client, api_key).status_code != 429


class LaggingCounters:
    """Counts every increment, as both stores do, but any read of a count
    sees it from before the burst: a burst of concurrent requests that all
    read before any of them has counted."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def incr(self, key: str, expires_at: float, now: float) -> int:
        self.counts[key] += 1
        return self.counts[key]

    def get(self, key: str) -> int:
        return 0


def test_a_burst_of_failed_keys_is_refused_by_the_count_of_its_own_increments(
    client, api_key, settings, monkeypatch
):
    settings.RATE_LIMIT_FAILED_KEYS = "5/60"
    counters = LaggingCounters()
    monkeypatch.setattr(ratelimit, "store", lambda: counters)
    answers = [client.get("/v1/monitors").status_code for _ in range(4)]
    answers += [bitup(client, "sp_guess").status_code for _ in range(4)]
    # Exactly the limit gets a 401, however stale a read of the count would be.
    assert answers == [401] * 5 + [429] * 3
    assert bitup(client, api_key).status_code != 429


def oversized(client, key: str | None = None, **headers):
    """A v1 POST whose body is over the 1 MiB limit."""
    if key is not None:
        headers["HTTP_X_API_KEY"] = key
    body = b'{"Name": "' + b"x" * MAX_BODY_BYTES + b'"}'
    return client.generic("POST", "/v1/monitors", body, "application/json", **headers)


def test_an_address_over_its_limit_gets_a_429_before_its_oversized_body_is_read(
    client, api_key, settings, monkeypatch
):
    settings.RATE_LIMIT_PER_ADDRESS = "3/60"
    drained: list[int] = []

    def drain(request) -> bool:
        drained.append(len(drained))
        return real_drain(request)

    real_drain = bodylimit.drain
    monkeypatch.setattr(bodylimit, "drain", drain)
    assert oversized(client, api_key).status_code == 413
    assert v1(client, api_key).status_code == 200  # one count a request, whoever answers it
    assert oversized(client).status_code == 413  # a key or none
    response = oversized(client, api_key)
    assert response.status_code == 429 and response["Retry-After"].isdigit()
    assert set(response.json()) == {"detail"}
    assert len(drained) == 2  # the 429 read nothing of its body
    assert v1(client, api_key).status_code == 429
    assert oversized(client, api_key, REMOTE_ADDR="10.0.0.9").status_code == 413


def test_the_database_counts_each_window_on_its_own_and_prunes_past_ones(db, settings):
    settings.RATE_LIMIT_STORE = "database"
    rate = Rate(2, 60)
    assert [hit("s", "a", rate, now=60.0 * 1000 + n) for n in range(3)] == [None, None, 60 - 2]
    # The next window starts from zero, and its first hit removes the last one's row.
    assert hit("s", "a", rate, now=60.0 * 1001) is None
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


def test_on_redis_concurrent_hits_are_each_counted(db, settings, throwaway_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "statuspage.resilient_cache.ResilientRedisCache",
            "LOCATION": throwaway_redis.url,
        }
    }
    settings.RATE_LIMIT_STORE = "cache"
    assert type(caches["default"]).__name__ == "ResilientRedisCache"
    rate, now = Rate(100, 3600), 3600.0 * 500_000  # one window, far from any other test's
    with ThreadPoolExecutor(8) as clients:
        answers = list(clients.map(lambda _: hit("burst", "k", rate, now=now), range(150)))
    assert answers.count(None) == 100


def test_a_forwarded_address_that_is_no_address_counts_as_the_proxys(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="x' OR 1=1", REMOTE_ADDR="10.0.0.5")
    assert client_address(forged) == "10.0.0.5"
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")) == (
        "203.0.113.9"
    )
    no_peer = rf.get("/")
    del no_peer.META["REMOTE_ADDR"]
    assert client_ip(no_peer) is None and client_address(no_peer) == "unknown"
