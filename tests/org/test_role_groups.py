from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from efficiency_portal.org.models import Role

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_permissions():
    for role in Role.values:
        group = Group.objects.get(name=role)
        assert group.permissions.filter(codename="view_department").exists()
    assert Group.objects.get(name="administrator").permissions.filter(codename="change_post").exists()
    assert not Group.objects.get(name="clerk").permissions.filter(codename="change_post").exists()
