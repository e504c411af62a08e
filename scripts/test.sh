#!/usr/bin/env bash
# The whole test suite against real services: installs what is missing, starts
# PostgreSQL, Redis and the search node (scripts/services.sh), then runs pytest;
# with no arguments, a second pass runs the demo's tests on SQLite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
started=$(date +%s)
scripts/bootstrap.sh
scripts/services.sh start
eval "$(scripts/services.sh env)"
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-test-$(python3 -c 'import secrets; print(secrets.token_hex(24))')}
export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS='*'
export SEARCH_INDEX_PREFIX=${SEARCH_INDEX_PREFIX:-test}
set +e
.venv/bin/python -m pytest "$@"
status=$?
if [ $# -eq 0 ]; then
  # Second pass: what `make run` serves (scripts/run-demo.sh) on its embedded
  # defaults: SQLite, the in-memory channel layer, eager tasks and the
  # database search engine. Only the tests marked sqlite_demo.
  (
    unset DATABASE_URL REDIS_URL SEARCH_URL SEARCH_ENGINE ELASTICSEARCH_COMPAT_URL \
      CELERY_BROKER_URL CELERY_RESULT_BACKEND
    export DJANGO_DEBUG=1
    .venv/bin/python -m pytest -m sqlite_demo tests
  )
  demo_status=$?
  [ $status -ne 0 ] || status=$demo_status
fi
set -e
echo "make test: pytest exited $status after $(( $(date +%s) - started )) s"
exit $status
