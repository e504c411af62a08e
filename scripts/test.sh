#!/usr/bin/env bash
# The whole test suite against real services: installs what is missing, starts
# PostgreSQL, Redis and the search node (scripts/services.sh), then runs pytest.
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
set -e
echo "make test: pytest exited $status after $(( $(date +%s) - started )) s"
exit $status
