"""Tracking secrets: keyed HMAC-SHA256, key rotation, old password hashes upgraded on the first good look-up,
and a wrong encryption key that fails loudly."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from approvals.selectors.tracking import prove as prove_case
from complaints import crypto
from complaints.models import Complaint
from complaints.services import tracking
from efficiency_portal.common.tracking_secrets import PREFIX, check_secret, hash_secret
from tests.complaints.factories import file, make_supervisor
from tests.factories import ItemFactory, make_intake_desk, seed_calendar, submit_online

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    from django.core.cache import cache

    settings.TRACKING_SECRET_KEYS = []
    # The hashes made before were PBKDF2 (the test settings otherwise hash with MD5 only).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    seed_calendar(2025, 2026)
    cache.clear()


def test_hash_is_keyed_hmac_and_checks_in_constant_form(settings):
    stored = hash_secret("ABCDEFGH23")
    assert stored.startswith(PREFIX + "$") and "ABCDEFGH23" not in stored
    assert check_secret("ABCDEFGH23", stored).ok
    assert not check_secret("ABCDEFGH24", stored).ok
    assert not check_secret("", stored).ok and not check_secret("ABCDEFGH23", "").ok
    assert not check_secret("x", "x").ok  # unusable values never match
    # Another key does not open it.
    settings.TRACKING_SECRET_KEYS = ["another-key-entirely-0123456789"]
    assert not check_secret("ABCDEFGH23", stored).ok


def test_rotation_reads_old_keys_and_asks_for_an_upgrade(settings):
    settings.TRACKING_SECRET_KEYS = ["old-key-0123456789abcdef"]
    stored = hash_secret("SECRET2345")
    settings.TRACKING_SECRET_KEYS = ["new-key-0123456789abcdef", "old-key-0123456789abcdef"]
    checked = check_secret("SECRET2345", stored)
    assert checked.ok and checked.needs_upgrade
    assert not check_secret("SECRET2345", hash_secret("SECRET2345")).needs_upgrade


def test_complaint_with_a_password_hash_is_upgraded_on_first_good_look_up():
    make_supervisor()
    complaint, secret = file()
    Complaint.objects.filter(pk=complaint.pk).update(tracking_secret_hash=make_password(secret, hasher="pbkdf2_sha256"))
    assert tracking.prove(complaint.tracking_code, "WRONGWRONG", client="1.2.3.4") is None
    assert Complaint.objects.get(pk=complaint.pk).tracking_secret_hash.startswith("pbkdf2_")
    assert tracking.prove(complaint.tracking_code, secret.lower(), client="1.2.3.4") == complaint
    upgraded = Complaint.objects.get(pk=complaint.pk).tracking_secret_hash
    assert upgraded.startswith(PREFIX + "$") and check_secret(secret, upgraded).ok
    assert tracking.prove(complaint.tracking_code, secret, client="1.2.3.4") == complaint


def test_case_with_a_password_hash_is_upgraded_on_first_good_look_up(settings, tmp_path):
    from approvals.models import Case

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": str(tmp_path)}},
    }
    item = ItemFactory()
    make_intake_desk(item)
    case, secret = submit_online(item)
    assert case.tracking_secret_hash.startswith(PREFIX + "$")
    Case.objects.filter(pk=case.pk).update(tracking_secret_hash=make_password(secret, hasher="pbkdf2_sha256"))
    assert prove_case(case.tracking_code, "WRONGWRONG") == (None, "")
    assert prove_case(case.tracking_code, secret)[0] == case
    assert Case.objects.get(pk=case.pk).tracking_secret_hash.startswith(PREFIX + "$")
    assert prove_case(case.tracking_code, secret.lower())[0] == case


def test_wrong_encryption_key_fails_loudly(settings):
    make_supervisor()
    complaint, _ = file()
    assert crypto.decrypt(complaint.name_encrypted) == "张三丰"
    settings.COMPLAINTS_ENCRYPTION_KEY = "a-different-key-altogether-0123456789"
    with pytest.raises(crypto.EncryptionKeyError):
        crypto.decrypt(complaint.name_encrypted)


def test_rotation_command_rewrites_identities_with_the_new_key(settings):
    make_supervisor()
    settings.COMPLAINTS_ENCRYPTION_KEY = "first-key-0123456789-abcdefghij"
    complaint, _ = file()
    settings.COMPLAINTS_ENCRYPTION_KEY = "second-key-0123456789-abcdefghij"
    settings.COMPLAINTS_ENCRYPTION_OLD_KEYS = ["first-key-0123456789-abcdefghij"]
    assert crypto.decrypt(complaint.name_encrypted) == "张三丰"
    call_command("rotate_complaint_keys", stdout=io.StringIO())
    settings.COMPLAINTS_ENCRYPTION_OLD_KEYS = []
    assert crypto.decrypt(Complaint.objects.get(pk=complaint.pk).name_encrypted) == "张三丰"
