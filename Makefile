# Parcours: the commands a developer needs. `make run` and `make test` are enough to start.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-packages run serve test lint format messages lock clean bench

## install: the system packages (apt, where missing), then .venv with the locked dependencies
install: system-packages $(STAMP)

## system-packages: WeasyPrint's libraries, the PDFs' font, poppler and Chromium for the tests
system-packages:
	@scripts/system-packages

$(STAMP): requirements-pip.lock requirements.lock requirements-dev.lock
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements.lock -r requirements-dev.lock
	@touch $(STAMP)

## run: migrate the local SQLite database, load the demo on first run, serve on :8000 with one background worker
run: install
	@mkdir -p var
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py load_demo
	@echo "Parcours is served on http://$(HOST):$(PORT)/ with a background worker (Ctrl+C stops both)."
	scripts/run-dev $(HOST):$(PORT)

## serve: the production server (gunicorn, static files served by the application) and one background worker
serve: install
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --verbosity 0
	@echo "gunicorn and one worker (manage.py worker); under systemd run them as two units (docs/background.md)."
	HOST=$(HOST) PORT=$(PORT) scripts/serve

## test: the whole suite on SQLite, then on PostgreSQL when one answers
test: install
	scripts/run-tests

## bench: synthetic programmes (1k, 10k, 100k people), the yearly report against its SQL bound, the pages under load (BENCH_SIZES=1000,10000 to shorten; docs/performance.md)
bench: install
	$(PY) -m bench.run

# The modules mypy checks (with django-stubs; settings in pyproject.toml): every service and
# selector, and the domain modules they lean on. A module joins once it has no error
# (docs/architecture.md, "Types").
# Every view too, but two that still hang values on model instances for their templates
# (to become model properties).
MYPY_VIEWS_PENDING := parcours/funding/views.py parcours/programme/views/groups.py
MYPY_MODULES := \
	$(wildcard parcours/*/services.py) \
	$(wildcard parcours/*/selectors.py) \
	$(filter-out $(MYPY_VIEWS_PENDING), \
		$(wildcard parcours/*/views.py parcours/*/views/*.py parcours/*/*_views.py)) \
	parcours/accounts/http.py \
	parcours/assessments/charts.py \
	parcours/assessments/progress.py \
	parcours/attendance/grids.py \
	parcours/attendance/hours.py \
	parcours/core/dates.py \
	parcours/core/durations.py \
	parcours/core/plurals.py \
	parcours/core/shortlists.py \
	parcours/funding/allocation.py \
	parcours/funding/scope.py \
	parcours/participants/photos.py \
	parcours/programme/exits.py

## lint: formatting, lint, types, templates, migrations and system checks
lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy $(MYPY_MODULES)
	$(VENV)/bin/djlint --lint --quiet templates parcours
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) manage.py check --fail-level WARNING

## format: rewrite the code in the project's format
format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## messages: extract the translatable strings into locale/ and compile them
messages: install
	$(PY) manage.py makemessages --all --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

## lock: pin the dependencies again after editing requirements*.in
lock: install
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--output-file requirements.lock requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--output-file requirements-dev.lock requirements-dev.in

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
