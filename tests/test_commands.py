"""The README's commands: the scripts parse, and the settings pick the broker the run command relies on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["run.sh", "test.sh", "bootstrap.sh", "services.sh"]

PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "broker": settings.CELERY_BROKER_URL,
    "options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "database": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "beat": {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()},
    "beat_file": settings.CELERY_BEAT_SCHEDULE_FILENAME,
}))
"""


def settings_with(tmp_path: Path, **env: str) -> dict:
    """The settings as a fresh process sees them with ``env`` (settings are read once per process)."""
    environ = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "VAR_DIR"}}
    environ.update({"DJANGO_SETTINGS_MODULE": "efficiency_portal.settings", "SECRET_KEY": "x", "DEBUG": "1"})
    environ.update({"VAR_DIR": str(tmp_path / "var"), **env})
    code = "import django; django.setup()\n" + PROBE
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_is_valid_bash(script: str) -> None:
    path = ROOT / "scripts" / script
    assert path.exists()
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["run.sh", "test.sh", "bootstrap.sh"])
def test_script_is_executable(script: str) -> None:
    assert os.access(ROOT / "scripts" / script, os.X_OK)


def test_ci_runs_the_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci


def test_run_command_starts_web_worker_and_beat_under_the_supervisor() -> None:
    text = (ROOT / "scripts" / "run.sh").read_text()
    assert "scripts/bootstrap.sh" in text
    assert "manage.py migrate" in text
    assert "manage.py seed_demo" in text
    assert "manage.py collectstatic" in text
    # The supervisor runs one worker and one beat as separate processes (tests/capacity/test_supervisor.py).
    assert "scripts/supervise.py" in text and "celery -A efficiency_portal worker" in text
    assert "celery -A efficiency_portal beat" in text and " -B " not in text
    assert "trap" in text and "INT TERM" in text


def test_without_redis_url_the_embedded_default_is_used(tmp_path: Path) -> None:
    found = settings_with(tmp_path)
    broker_dir = tmp_path / "var" / "celery-broker"
    assert found["broker"].startswith("filesystem://")
    assert found["options"]["data_folder_in"] == str(broker_dir)
    assert found["options"]["data_folder_out"] == str(broker_dir)
    # kombu's exchange tables stay under var/, not in whatever directory the worker was started from.
    assert found["options"]["control_folder"] == str(broker_dir / "control")
    assert (broker_dir / "processed").is_dir()
    assert found["database"] == "django.db.backends.sqlite3"
    assert found["cache"].endswith("LocMemCache")
    assert found["beat_file"].startswith(str(tmp_path / "var"))


def test_with_redis_url_redis_carries_broker_and_cache(tmp_path: Path) -> None:
    found = settings_with(tmp_path, REDIS_URL="redis://127.0.0.1:6390/3")
    assert found["broker"] == "redis://127.0.0.1:6390/3"
    assert "data_folder_in" not in found["options"]
    assert found["cache"].endswith("RedisCache")
    assert not (tmp_path / "var" / "celery-broker").exists()


def test_beat_schedules_the_sweep_and_the_outbox(tmp_path: Path) -> None:
    tasks = set(settings_with(tmp_path)["beat"].values())
    assert {"supervision.sweep_deadlines", "notifications.send_outbox"} <= tasks


def test_beat_tasks_are_registered_with_the_worker() -> None:
    import efficiency_portal.notifications.tasks
    import efficiency_portal.supervision.tasks  # noqa: F401
    from efficiency_portal.celery import app

    assert {"supervision.sweep_deadlines", "notifications.send_outbox"} <= set(app.tasks)
