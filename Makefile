# The commands the README names. Each one sets up what it needs first (scripts/setup.sh is
# idempotent), so a fresh Debian 12 machine needs nothing but `make`.
SHELL := /bin/bash
PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve setup setup-test prepare demo weight lint bench messages lock audit load replica-check faults backup restore

# Set up, load the demo directory, create the demo staff account and serve on :8000, with the
# worker that sends e-mails from the queue beside the server (stopped when the server stops).
run: setup prepare demo
	$(MANAGE) demo_staff
	@echo "Serving on http://$(HOST):$(PORT)/"
	$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; $(MANAGE) runserver $(HOST):$(PORT)

# Set up (with Chromium for the browser tests), then every test and the linter.
test: setup-test
	$(MANAGE) compilemessages --ignore=.venv -v 0
	.venv/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -n 2 $(PYTEST_ARGS)

# Set up, then serve as in production: DEBUG off, gunicorn, collected static files, the e-mail
# worker (scripts/serve.sh says which settings it fills in for this machine).
serve: setup
	bash scripts/serve.sh

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --browser

prepare:
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MANAGE) compilemessages --ignore=.venv -v 0
	$(MANAGE) make_photo_copies

# The demo directory: 48 real projects with their sources, meetings, awards, a programme and
# the platform's pages (each loader can run again).
demo:
	$(MANAGE) load_demo
	$(MANAGE) load_demo_meetings
	$(MANAGE) load_demo_awards
	$(MANAGE) load_demo_programme
	$(MANAGE) load_demo_policies
	$(MANAGE) load_demo_pages

# What each kind of page weighs on the wire (HTML, CSS, scripts and fonts, gzip), against the
# budgets of habitat/weight.py, read from the demo directory.
weight: setup prepare demo
	$(MANAGE) page_weight

lint:
	.venv/bin/ruff check .

# Seed synthetic projects (1,000 and 1,000,000) into separate databases (habitat_bench for the
# largest, habitat_1000_bench beside it), never the real one, and print the speed of the public
# pages at both sizes, timed in turn (computed, not from the page cache); docs/benchmarks.md
# keeps the last run.
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 1000 --requests 10".
BENCH_DATABASE_URL := postgis://habitat:habitat@127.0.0.1:5432/habitat_bench
bench:
	bash scripts/setup.sh
	@if [ "$$(PGPASSWORD=habitat psql -h 127.0.0.1 -U habitat -d postgres -tAc \
	    "select 1 from pg_database where datname='habitat_bench'")" != 1 ]; then \
	  echo "Creating the database habitat_bench"; \
	  PGPASSWORD=habitat createdb -h 127.0.0.1 -U habitat habitat_bench; \
	fi
	DATABASE_URL=$(BENCH_DATABASE_URL) $(MANAGE) migrate --no-input -v 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(MANAGE) createcachetable
	DATABASE_URL=$(BENCH_DATABASE_URL) PAGE_CACHE_SECONDS=0 $(MANAGE) bench $(BENCH_ARGS)

# Check the locked Python packages against the public vulnerability database (OSV). It needs
# internet access, so it is not part of `make test`; it says so when it cannot reach it.
audit: setup
	$(PYTHON) scripts/audit.py

# The production server under load (docs/benchmarks.md): 100,000 synthetic projects in the
# separate database habitat_load_bench, gunicorn as `make serve` runs it, locust at 50 then 200
# users, 60 s each, against 127.0.0.1 only. Options: make load LOAD_ARGS="--users 50 --seconds 30".
load: setup
	$(PYTHON) scripts/load/run.py $(LOAD_ARGS)

# The platform beyond one machine, tried here (docs/scaling.md): a PostgreSQL primary and a
# streaming replica of its own (ports 55433, 55434, data under var/replica-check/; never the
# shared PostgreSQL or Redis), moto's S3 server and gunicorn as in production; shows public reads
# on the replica, saves on the primary, uploads in a private bucket served by the media view.
replica-check: setup
	$(PYTHON) scripts/replica_check.py

# Fault checks (docs/faults.md), not part of `make test`: a copy of the platform of its own on
# 127.0.0.1 (PostgreSQL :25432, Redis, SMTP, gunicorn, worker, nginx under var/faults/; never
# the shared PostgreSQL or Redis) through a database restart, Redis down, the mail server down
# and the worker killed, 1,000 slow clients and a server killed mid-listing; then the backup
# round trip (scripts/check-backup.sh). One check: make faults FAULTS_ARGS=redis-down
faults: setup
	@status=0; $(PYTHON) scripts/faults/run.py $(FAULTS_ARGS) || status=1; \
	if [ -z "$(FAULTS_ARGS)" ] && [ -f scripts/check-backup.sh ]; then \
	  echo "== Backup and restore (scripts/check-backup.sh)"; bash scripts/check-backup.sh || status=1; \
	fi; exit $$status

# Back up the database (DATABASE_URL) and the uploaded files into var/backups/<database>-<time>/
# (or BACKUP_DIR), readable by their owner only; safe while the site serves. It sets nothing up,
# so cron or a systemd timer can run it (docs/deploy.md, "Backups").
backup:
	bash scripts/backup.sh

# Restore one: make restore BACKUP=var/backups/<database>-<time>. A database or uploaded-files
# directory that is not empty is replaced only with FORCE=1 (stop the site first).
restore: setup
	@if [ -z "$(BACKUP)" ]; then echo "Say which backup: make restore BACKUP=var/backups/<database>-<time> [FORCE=1]" >&2; exit 2; fi
	bash scripts/restore.sh $(if $(filter 1 yes true,$(FORCE)),--force) "$(BACKUP)"

# Extract the strings to translate into locale/{fr,es}, without source line numbers.
messages:
	$(MANAGE) makemessages -l fr -l es --ignore=.venv --ignore=var --ignore=node_modules --no-location
	$(MANAGE) makemessages -d djangojs -l fr -l es --ignore=.venv --ignore=var --ignore=node_modules --no-location

# Rebuild requirements.lock from requirements.in (needs uv).
lock:
	uv pip compile --python $(PYTHON) --generate-hashes requirements.in -o requirements.lock
