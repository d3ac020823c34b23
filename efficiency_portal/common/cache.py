"""Django's Redis cache, failing soft: Redis is the cache and the broker, never the system of record.

When Redis cannot be reached, a read answers as a miss, a write is dropped and ``add`` answers "stored", with one
warning in the log per outage; for ``DOWN_SECONDS`` after a failure this process does not even try (so a dead host
costs one connect timeout, not one per cache call). Pages, filing and tracking then run from PostgreSQL alone.

Code that must know whether a value was really stored (a counter that enforces a limit) asks ``available()`` or
uses a cache alias without this wrapper.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
FAILURES = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
DOWN_SECONDS = 5.0


def _soft(fallback):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._down_until > time.monotonic():
                return fallback(*args, **kwargs) if callable(fallback) else fallback
            try:
                return method(self, *args, **kwargs)
            except FAILURES as error:
                self._failed(error)
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._warned = False

    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._down_until = time.monotonic() + DOWN_SECONDS
            if not self._warned:
                logger.warning("Cache unavailable (%s); going on without it", error)
                self._warned = True

    def available(self) -> bool:
        """Whether Redis answers now (a PING), remembering a failure like any other call."""
        if self._down_until > time.monotonic():
            return False
        try:
            self._cache.get_client(write=True).ping()
        except FAILURES as error:
            self._failed(error)
            return False
        if self._warned:
            logger.warning("Cache available again")
            self._warned = False
        return True

    get = _soft(_default)(RedisCache.get)
    get_many = _soft(lambda *args, **kwargs: {})(RedisCache.get_many)
    set = _soft(None)(RedisCache.set)
    set_many = _soft(lambda *args, **kwargs: [])(RedisCache.set_many)
    add = _soft(True)(RedisCache.add)
    touch = _soft(False)(RedisCache.touch)
    delete = _soft(False)(RedisCache.delete)
    delete_many = _soft(None)(RedisCache.delete_many)
    has_key = _soft(False)(RedisCache.has_key)
    incr = _soft(_delta)(RedisCache.incr)
    clear = _soft(False)(RedisCache.clear)
