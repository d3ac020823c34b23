import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing cost is not what these tests check; a cheap hasher keeps them quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
