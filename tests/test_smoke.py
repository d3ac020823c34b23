import pytest
from django.urls import reverse

from efficiency_portal.org.models import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_home_page_renders_in_chinese_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.content.decode()


@pytest.mark.django_db
def test_home_page_links_every_public_service(client):
    response = client.get(reverse("home"))
    page = response.content.decode()
    for name in (
        "approvals:catalogue",
        "approvals:track",
        "complaints:file",
        "complaints:track",
        "dashboards:disclosure",
        "org:department_list",
        "workdays:calendar",
    ):
        assert f'href="{reverse(name)}"' in page, name
    # Visitors have no working menus on the home page.
    assert 'id="home-work"' not in page


@pytest.mark.django_db
def test_home_page_shows_a_supervisor_their_working_menus(client):
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert 'id="home-work"' in page
    assert f'href="{reverse("dashboards:command_centre")}"' in page
    assert f'href="{reverse("complaints:work_list")}"' in page


@pytest.mark.django_db
def test_home_page_shows_a_citizen_no_supervision_menu(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboards:command_centre")}"' not in page
    assert f'href="{reverse("complaints:file")}"' in page
