import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_renders_in_chinese_by_default(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.content.decode()
