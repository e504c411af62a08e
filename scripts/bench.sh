#!/usr/bin/env bash
# Benchmarks against the real services; writes docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
scripts/services.sh start
eval "$(scripts/services.sh env)"
export DATABASE_URL=${DATABASE_URL%/*}/bench DJANGO_DEBUG=1 SEARCH_INDEX_PREFIX=bench
.venv/bin/python - <<'PY'
import os, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone():
        conn.execute("CREATE DATABASE bench")
PY
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo --cases 36 >/dev/null
.venv/bin/python bench/run.py "$@"
