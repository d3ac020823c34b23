"""The suite's caches: local memory of this process by default, the real Redis on request, isolated per worker."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def test_the_default_cache_of_the_suite_is_this_processs_own():
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    cache.set("probe", 1)
    assert cache.get("probe") == 1


def test_redis_cache_is_shared_between_connections_and_starts_empty(redis_cache):
    assert isinstance(caches["default"], RedisCache)
    assert redis_cache.get("counter") is None
    redis_cache.set("counter", 0)
    redis_cache.incr("counter")
    # A second client of the same Redis (another web process) sees the same counter.
    other = RedisCache(settings.CACHES["default"]["LOCATION"], {})
    assert other.incr("counter") == 2
    assert redis_cache.get("counter") == 2
