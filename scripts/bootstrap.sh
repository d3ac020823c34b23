#!/usr/bin/env bash
# Shared set-up: a virtual environment in .venv with the project and its development tools installed.
# Re-running is cheap: pip skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  # Debian ships venv's pip bootstrap in a separate package.
  if ! "$PYTHON" -c "import ensurepip, venv" 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing python3-venv ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  fi
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo "Installing the project and its tools into .venv (the first time takes a minute or two) ..."
  # pip's chatter goes to a log, shown only when something fails.
  log=.venv/pip-install.log
  if ! { .venv/bin/python -m pip install --quiet --upgrade pip && .venv/bin/python -m pip install --quiet -e ".[dev]"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing the project failed (log: $log)." >&2
    exit 1
  fi
  rm -f .venv/.installed-* && touch "$stamp"
fi
