#!/usr/bin/env bash
# The platform with seeded demo data on embedded defaults: a SQLite file, the
# in-memory channel layer, eager Celery tasks and the database search backend.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/bootstrap.sh
# Embedded defaults: ignore any service settings left in the shell.
unset DATABASE_URL REDIS_URL SEARCH_URL SEARCH_ENGINE CELERY_BROKER_URL CELERY_RESULT_BACKEND
export DJANGO_DEBUG=1
port=${PORT:-8000}
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
.venv/bin/python manage.py seed_supervisors
echo
echo "Serving on http://127.0.0.1:$port/  (admin: http://127.0.0.1:$port/admin/, API docs: http://127.0.0.1:$port/api/docs/)"
echo "Stop with Ctrl+C."
# Daphne's runserver serves HTTP and WebSockets from the ASGI application.
exec .venv/bin/python manage.py runserver "127.0.0.1:$port"
