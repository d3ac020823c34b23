"""Settings of the test suite: the portal's own settings with what only makes tests slow or shared replaced.

- A fast password hasher: PBKDF2's many iterations are the point in production and pure waiting in a test that
  signs in.
- A local-memory cache private to the process: rate-limit counters and cached figures of one test never reach a
  test running at the same time in another pytest-xdist worker, and ``cache.clear()`` empties only this process's
  cache (clearing the Redis cache would flush the whole Redis database under every worker). The tests that need
  the real Redis cache ask for the ``redis_cache`` fixture (tests/conftest.py), which gives each worker a database
  of its own.
"""

from __future__ import annotations

import os

from efficiency_portal.settings import *  # noqa: F403

# "gw0", "gw1", ... under pytest-xdist; empty in a run without workers.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"portal-tests-{TEST_WORKER or 'main'}",
        "KEY_PREFIX": TEST_WORKER,
    }
}
