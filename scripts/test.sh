#!/usr/bin/env bash
# README command 2: set up, then run the whole suite:
#   lint (ruff), import contracts (lint-imports), unit + real-database + real-HTTP + headless-Chromium tests
#   on SQLite, then the database and HTTP tests again on a real PostgreSQL.
# PostgreSQL: ANXIN_TEST_DATABASE_URL if set, else a server answering on 127.0.0.1:5432, else Debian's
# postgresql is installed and a throw-away cluster is started on a free loopback port and stopped after.
# Extra arguments go to pytest (e.g. scripts/test.sh -k resolver).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
started=$(date +%s)
bash scripts/setup.sh

# The browser tests drive Debian's Chromium; without CJK fonts Chinese renders as empty boxes.
# The decision-worker tests start their own redis-server on a free loopback port.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -n "$(ls /usr/share/fonts/opentype/noto/NotoSansCJK* 2>/dev/null)" ] || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

say "ruff"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
say "import contracts"
.venv/bin/lint-imports

# Each pass is spread over the cores (pytest-xdist): every test has its own database copy, data dir and port.
# LightGBM and numpy's BLAS would each start a thread per core inside every worker; one each keeps the
# workers from fighting over the cores.
workers="${ANXIN_TEST_WORKERS:-auto}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

say "tests on SQLite"
.venv/bin/pytest -p no:cacheprovider -n "$workers" "$@"

pg_url="${ANXIN_TEST_DATABASE_URL:-}"
own_cluster=""
cleanup() {
  if [ -n "$own_cluster" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$own_cluster" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$own_cluster"
  fi
}
trap cleanup EXIT
if [ -z "$pg_url" ] && .venv/bin/python - <<'PY'
import psycopg, sys
try:
    psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
then
  pg_url="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
fi
if [ -z "$pg_url" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  pg_bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
  own_cluster=$(mktemp -d /tmp/anxin-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$own_cluster"; else sudo chown postgres "$own_cluster"; fi
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  say "starting a throw-away PostgreSQL on 127.0.0.1:$port"
  as_postgres "$pg_bin/initdb" -D "$own_cluster" -A trust -U postgres >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$own_cluster" -l "$own_cluster/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $own_cluster" start >/dev/null
  pg_url="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
fi

say "database and HTTP tests on PostgreSQL ($pg_url)"
ANXIN_TEST_DATABASE_URL="$pg_url" .venv/bin/pytest -p no:cacheprovider -n "$workers" -m "db or http" "$@"

say "whole suite passed in $(( $(date +%s) - started ))s"
