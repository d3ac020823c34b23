"""Runs the embedded portal's three processes — web server, Celery worker, Celery beat — and keeps them running.

Used by scripts/run.sh (and started by the fault tests in tests/capacity/test_supervisor.py). What it guarantees:

- A process that dies (a crash, ``kill -9``, the worker killed by the kernel) is started again after a pause that
  grows while it keeps dying at once (1 s, 2 s, 4 s ... at most 30 s); the others go on, so the web server stays up
  while the worker is replaced.
- Exactly one beat: beat is its own process with a pid file under ``$VAR_DIR``. A beat left running by an earlier
  run (an orphan whose pid file names a live ``celery ... beat`` process) is stopped before ours starts, and every
  child is told by the kernel to stop when this supervisor dies (``PR_SET_PDEATHSIG``), so none outlives it even
  when it is killed with ``kill -9``.
- Ctrl-C or SIGTERM stops all three (SIGTERM, then SIGKILL after 10 s) and exits 0.

Usage: supervise.py --var VAR_DIR --web "CMD" --worker "CMD" --beat "CMD" (each CMD split like a shell would).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
MAX_PAUSE = 30.0
# A process that ran this long before dying is considered healthy again: its next restart waits only 1 s.
HEALTHY_AFTER = 60.0
STOP_GRACE = 10.0


def _die_with_parent() -> None:  # runs in the child between fork and exec
    # Not on Linux (no libc.so.6): the stop handler below still ends the children on a normal exit.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def say(text: str) -> None:
    print(f"[supervise] {text}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    pause: float = 1.0
    due_at: float = 0.0  # when a dead child is started again
    restarts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        out = open(self.log, "ab") if self.log else None  # noqa: SIM115  (handed to the child, closed below)
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdout=out or None,
                stderr=subprocess.STDOUT if out else None,
                preexec_fn=_die_with_parent,
                env={**os.environ, **self.extra_env},
            )
        finally:
            if out:
                out.close()
        self.started_at = time.monotonic()
        say(f"{self.name} started (pid {self.process.pid})")

    def died(self, status: int) -> None:
        ran = time.monotonic() - self.started_at
        if ran >= HEALTHY_AFTER or not self.restarts:
            self.pause = 1.0
        else:
            self.pause = min(self.pause * 2, MAX_PAUSE)
        self.due_at = time.monotonic() + self.pause
        self.restarts += 1
        pid = self.process.pid
        say(f"{self.name} (pid {pid}) stopped with status {status}; starting it again in {self.pause:.0f} s")
        self.process = None


def stop_orphan_beat(pidfile: Path) -> None:
    """A beat of an earlier run that outlived it would run every periodic task a second time."""
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        pidfile.unlink(missing_ok=True)
        return
    if "celery" in cmdline and "beat" in cmdline and pid != os.getpid():
        say(f"stopping a beat left by an earlier run (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)


class Supervisor:
    def __init__(self, children: list[Child]):
        self.children = children
        self.stopping = False

    def request_stop(self, signum, frame) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        for child in self.children:
            child.start()
        while not self.stopping:
            now = time.monotonic()
            for child in self.children:
                if child.process is None:
                    if now >= child.due_at:
                        child.start()
                    continue
                status = child.process.poll()
                if status is not None:
                    child.died(status)
            time.sleep(0.2)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        say("stopping the web server, the worker and beat ...")
        running = [child.process for child in self.children if child.process is not None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        say("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, type=Path)
    parser.add_argument("--web", required=True)
    parser.add_argument("--worker", required=True)
    parser.add_argument("--beat", required=True)
    parser.add_argument("--log-dir", type=Path, help="worker.log and beat.log go here (default: VAR/log)")
    args = parser.parse_args(argv)
    log_dir = args.log_dir or args.var / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    pidfile = args.var / "celerybeat.pid"
    stop_orphan_beat(pidfile)
    beat_argv = [*shlex.split(args.beat), f"--pidfile={pidfile}"]
    children = [
        Child("web server", shlex.split(args.web)),
        Child("worker", shlex.split(args.worker), log=log_dir / "worker.log"),
        Child("beat", beat_argv, log=log_dir / "beat.log"),
    ]
    return Supervisor(children).run()


if __name__ == "__main__":
    sys.exit(main())
