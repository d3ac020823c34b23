"""The embedded mode's supervisor (scripts/supervise.py, what scripts/run.sh runs): the real gunicorn, Celery worker
and beat on a private directory; the worker killed with SIGKILL is started again while the web server keeps
answering; there is always exactly one beat, none survives the supervisor (even killed with SIGKILL), and a beat
left over by an earlier run is stopped before the next one starts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
STATIC = "/static/accounts/register.js"  # served by WhiteNoise from the source tree (DEBUG), no database needed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes(marker: str, role: str) -> list[int]:
    """Pids of live processes whose command line holds ``marker`` (this test's directory or name) and ``role``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = next(line for line in (entry / "status").read_text().splitlines() if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        supervisor = "supervise.py" in cmdline  # its own arguments name the others
        if marker in cmdline and role in cmdline and not supervisor and "Z (zombie)" not in state:
            found.append(int(entry.name))
    return found


def wait_for(predicate, timeout: float = 40.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def web_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{STATIC}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture
def embedded(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    port = free_port()
    name = f"sup-{uuid.uuid4().hex[:8]}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")
    }
    env.update(DEBUG="1", VAR_DIR=str(var), PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    celery = f"{VENV_BIN}/celery -A efficiency_portal"
    argv = [
        sys.executable,
        str(BASE_DIR / "scripts" / "supervise.py"),
        "--var",
        str(var),
        "--web",
        f"{VENV_BIN}/gunicorn efficiency_portal.wsgi:application --bind 127.0.0.1:{port} --workers 1 --threads 2",
        "--worker",
        f"{celery} worker --pool=solo --loglevel=WARNING --hostname={name}@%h",
        "--beat",
        f"{celery} beat --loglevel=WARNING",
    ]
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(argv, cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    yield {"start": start, "port": port, "name": name, "var": var, "env": env, "celery": celery}
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()
    for pid in processes(str(var), "beat") + processes(name, "worker"):
        os.kill(pid, signal.SIGKILL)


def test_killed_worker_comes_back_web_stays_up_and_one_beat(embedded):
    var, name, port = str(embedded["var"]), embedded["name"], embedded["port"]
    supervisor = embedded["start"]()
    wait_for(lambda: web_answers(port), what="the web server")
    [worker] = wait_for(lambda: processes(name, "worker"), what="the worker")
    wait_for(lambda: len(processes(var, "beat")) == 1, what="one beat")

    os.kill(worker, signal.SIGKILL)
    # The web server answers while the worker is gone and while its successor starts.
    answered = []
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        answered.append(web_answers(port))
        now = processes(name, "worker")
        if now and now != [worker]:
            break
        time.sleep(0.3)
    assert processes(name, "worker") not in ([], [worker]), "the worker was not started again"
    assert all(answered)
    assert supervisor.poll() is None and len(processes(var, "beat")) == 1

    # Killed itself, the supervisor takes every child with it: no orphan beat.
    supervisor.kill()
    supervisor.wait()
    wait_for(lambda: not processes(var, "beat") and not processes(name, "worker"), what="the children to stop")


def test_a_beat_left_by_an_earlier_run_is_stopped_before_the_next_run_starts_its_own(embedded):
    var = embedded["var"]
    pidfile = var / "celerybeat.pid"
    # An orphan as the old script left one: a beat of an earlier run, holding the pid file.
    orphan = subprocess.Popen(
        [*embedded["celery"].split(), "beat", "--loglevel=WARNING", f"--pidfile={pidfile}"],
        cwd=BASE_DIR,
        env=embedded["env"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip() == str(orphan.pid), what="the orphan")
        supervisor = embedded["start"]()
        wait_for(lambda: orphan.poll() is not None, what="the orphan to be stopped")
        [beat] = wait_for(lambda: processes(str(var), "beat"), what="the new beat")
        assert beat != orphan.pid
        assert processes(str(var), "beat") == [beat]
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(30) == 0
        wait_for(lambda: not processes(str(var), "beat"), what="beat to stop")
    finally:
        if orphan.poll() is None:
            orphan.kill()
        orphan.wait()
