#!/usr/bin/env bash
# README command 1: set up, load fresh demo data into the embedded SQLite database, serve the web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/anxin demo
exec .venv/bin/anxin serve "$@"
