"""Faults: Redis stopped while citizens file and track (no 5xx, the secret still shown, tasks queued later), and
PostgreSQL unreachable (a 503 page in Chinese that keeps what was typed)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint
from tests.complaints.test_pages import filing_data
from tests.factories import DepartmentFactory

REDIS = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_server(tmp_path, settings):
    if REDIS is None:
        pytest.skip("redis-server is not installed (scripts/test.sh installs it)")
    server = RedisServer(tmp_path)
    server.start()
    location = f"redis://127.0.0.1:{server.port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "efficiency_portal.common.cache.FailSoftRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Celery publishes to this Redis as in production (not eagerly), so a stopped Redis is a stopped broker.
    from efficiency_portal.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old_url = app.conf.broker_url
    app.conf.broker_url = location
    app.conf.broker_transport = None
    app._pool = None
    app.amqp._producer_pool = None
    yield server
    server.stop()
    app.conf.broker_url = old_url
    app._pool = None
    app.amqp._producer_pool = None


def form_token(client: Client) -> str:
    page = client.get(reverse("complaints:file")).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def file_and_read_secret(department) -> tuple[str, str]:
    client = Client()
    response = client.post(reverse("complaints:file"), filing_data(department, token=form_token(client)))
    assert response.status_code == 302, response.content.decode()[:500]
    done = client.get(response.url)
    assert done.status_code == 200
    return done.context["new"]["code"], done.context["new"]["secret"]


@pytest.mark.django_db
def test_filing_and_tracking_go_on_while_redis_is_stopped(redis_server, django_capture_on_commit_callbacks):
    department = DepartmentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        code, secret = file_and_read_secret(department)
    assert secret and caches["default"].available()

    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        # The filing commits, its notification's sender cannot be queued (logged; beat's run sends it later).
        code2, secret2 = file_and_read_secret(department)
    assert secret2 and Complaint.objects.count() == 2
    assert not caches["default"].available()
    for number, proof in ((code, secret), (code2, secret2)):
        client = Client()
        tracked = client.post(reverse("complaints:track"), {"code": number, "secret": proof})
        assert tracked.status_code == 302
        assert client.get(tracked.url).status_code == 200
    api = APIClient()
    body = {"category": "delay", "description": "超期未办", "department": department.pk, "name": "钱七"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/complaints/file/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201
    # A lost answer retried while Redis is still away: the same number and secret again, from PostgreSQL.
    again = api.post("/api/complaints/file/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.data["secret"] == created.data["secret"]
    for url in ("/", reverse("approvals:catalogue"), reverse("complaints:track")):
        assert Client().get(url).status_code == 200, url


@pytest.mark.django_db
def test_the_outbox_is_sent_by_the_periodic_run_after_the_broker_was_away(redis_server):
    from efficiency_portal.notifications.models import Delivery
    from efficiency_portal.notifications.tasks import send_outbox_task

    department = DepartmentFactory()
    redis_server.stop()
    client = Client()
    data = filing_data(department, token=form_token(client), send_secret="on")
    assert client.post(reverse("complaints:file"), data).status_code == 302
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
    assert pending >= 1
    send_outbox_task.apply()  # what beat runs every few seconds once the broker is back
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() < pending


# --- PostgreSQL unreachable -------------------------------------------------------------------------------------


@pytest.fixture
def database_down(django_db_blocker):
    """The default connection pointed at a port where nothing listens, as when PostgreSQL is stopped."""
    connection = connections["default"]
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        if connection.vendor == "sqlite":
            pytest.skip("needs PostgreSQL")
        yield
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_posted_complaint_gets_a_chinese_503_page_that_keeps_the_text(database_down):
    client = Client(raise_request_exception=False)
    text = "窗口工作人员让我来回跑了三次，每次要的材料都不一样。"
    data = filing_data(SimpleNamespace(pk=1), token="tok-kept", description=text, place="市民中心二楼")
    response = client.post(reverse("complaints:file"), data)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"]
    assert "服务暂时不可用" in page
    assert text in page and "市民中心二楼" in page
    # "Send again" posts the same fields, the one-time token included, to the same address.
    assert f'action="{reverse("complaints:file")}"' in page
    assert 'name="form_token" value="tok-kept"' in page
    assert "13800001111" in page  # the phone typed stays as well


def test_pages_and_the_api_answer_503_not_500_without_the_database(database_down):
    client = Client(raise_request_exception=False)
    page = client.get(reverse("approvals:catalogue"))
    assert page.status_code == 503 and "服务暂时不可用" in page.content.decode()
    api = APIClient(raise_request_exception=False)
    answer = api.post("/api/complaints/track/", {"code": "TS1", "secret": "X"}, format="json")
    assert answer.status_code == 503 and answer["Content-Type"] == "application/json"


def test_handler500_turns_a_database_error_outside_the_view_into_the_503_page(rf):
    from django.db import OperationalError

    from efficiency_portal.common.unavailable import server_error

    request = rf.post("/complaints/file/", {"description": "保存会话时数据库断开"})
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and "保存会话时数据库断开" in response.content.decode()
    try:
        raise ValueError("not the database")
    except ValueError:
        assert server_error(request).status_code == 500
