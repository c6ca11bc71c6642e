"""A Redis cache that degrades to "always a miss" while Redis is away.

The status page must keep answering when everything else is on fire, Redis
included: the cache only saves work (page renders, rate-limit counters), so
while it is unreachable reads miss, writes are dropped and the rate limits
fail open, instead of every request failing with a 500. Short socket
timeouts keep a dead Redis from stalling requests.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
T = TypeVar("T")
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:  # once a minute, not per request
        _last_warning = time.monotonic()
        logger.warning("cache unreachable, serving without it: %s", error)


def _degrade(fallback: Callable[..., Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def decorate(method: Callable[..., T]) -> Callable[..., T]:
        @wraps(method)
        def wrapper(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> T:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _warn(error)
                # The fallback answers as the method would have.
                return cast(T, fallback(*args, **kwargs))

        return wrapper

    return decorate


def _miss(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _not_counted(key: str, delta: int = 1, version: int | None = None) -> int:
    raise ValueError(f"Key {key!r} not found (cache unreachable)")


class ResilientRedisCache(RedisCache):
    get = _degrade(_miss)(RedisCache.get)
    get_many = _degrade(lambda keys, version=None: {})(RedisCache.get_many)
    has_key = _degrade(lambda key, version=None: False)(RedisCache.has_key)
    add = _degrade(lambda *args, **kwargs: False)(RedisCache.add)
    set = _degrade(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _degrade(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _degrade(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _degrade(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _degrade(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _degrade(_not_counted)(RedisCache.incr)
    clear = _degrade(lambda: False)(RedisCache.clear)
