#!/usr/bin/env bash
# The one idempotent set-up step behind both README commands:
#   - a virtual environment in .venv/ with the project and its pinned dependencies,
#   - the web UI's front-end files (htmx, echarts) from the npm registry into src/anxin/web/static/vendor/.
# Re-running is cheap: each step is skipped while its inputs (pyproject.toml, package-lock.json) are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

python_bin=$(find_python311)
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $python_bin"
  if ! "$python_bin" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv "python3.11-venv"
    "$python_bin" -m venv .venv
  fi
fi

stamp=.venv/.anxin-installed
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing anxin and its pinned dependencies into .venv"
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > "$stamp"
fi

vendor=src/anxin/web/static/vendor
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$vendor/.lock" 2>/dev/null)" != "$lock_hash" ]; then
  command -v npm >/dev/null || apt_install npm
  say "installing front-end packages (npm ci) and copying them to $vendor"
  npm ci --no-audit --no-fund --loglevel=error
  mkdir -p "$vendor"
  cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
  cp node_modules/echarts/dist/echarts.min.js "$vendor/echarts.min.js"
  echo "$lock_hash" > "$vendor/.lock"
fi
say "set-up done"
