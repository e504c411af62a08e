# Two commands matter: `make run` (the demo on embedded defaults) and
# `make test` (the whole suite against real services). See README.md.
.PHONY: run test lint services services-stop messages bench worker clean audit lock

PY := .venv/bin/python
PORT ?= 8000

run:
	scripts/run-demo.sh

test:
	scripts/test.sh

lint:
	scripts/bootstrap.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DJANGO_DEBUG=1 $(PY) -m mypy .

services:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

messages:
	scripts/messages.sh

bench:
	scripts/bench.sh

# Known vulnerabilities in requirements.lock (skipped, exit 0, when no
# vulnerability database is reachable).
audit:
	scripts/audit.sh

# requirements.lock from what .venv has installed.
lock:
	scripts/lock.sh

clean:
	rm -rf var/db.sqlite3 var/media staticfiles
