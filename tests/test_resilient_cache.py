"""The page and both APIs keep answering when the cache's Redis goes away."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from statuspage.api.ratelimit import Rate, hit


@pytest.fixture
def redis_cache(throwaway_redis):
    config = {
        "default": {
            "BACKEND": "statuspage.resilient_cache.ResilientRedisCache",
            "LOCATION": throwaway_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # As production with Redis: the rate limits count in the cache too.
    with override_settings(CACHES=config, RATE_LIMIT_STORE="cache"):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].close()


def test_the_cache_works_while_redis_is_up(redis_cache):
    redis_cache.set("a", 1)
    assert redis_cache.get("a") == 1
    assert redis_cache.incr("a") == 2


def test_while_redis_is_down_the_cache_misses_and_drops_writes(redis_cache, throwaway_redis):
    redis_cache.set("a", 1)
    throwaway_redis.stop()
    assert redis_cache.get("a", "missing") == "missing"
    assert redis_cache.get_or_set("b", 7) == 7
    assert redis_cache.add("c", 1) is False
    redis_cache.set("d", 1)
    redis_cache.delete("a")
    with pytest.raises(ValueError):
        redis_cache.incr("a")
    # Rate limits fail open rather than lock everybody out.
    assert all(hit("test", "me", Rate(1, 60)) is None for _ in range(3))
    throwaway_redis.start()
    redis_cache.set("e", 5)
    assert redis_cache.get("e") == 5


@pytest.mark.django_db
def test_page_and_apis_answer_with_the_cache_down(
    redis_cache, throwaway_redis, client, api_key, settings
):
    settings.RATE_LIMIT_PER_KEY = "600/60"
    throwaway_redis.stop()
    assert client.get("/").status_code == 200
    assert client.get("/api.php", {"key": api_key, "action": "status"}).status_code == 200
    assert client.get("/v1/monitors", HTTP_X_API_KEY=api_key).status_code == 200
    assert client.get("/admin/login/").status_code == 200
