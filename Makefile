# 乡镇人大工作平台: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint messages worker beat bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# A development checkout gets a .env with DEBUG=1 so that plain `manage.py` commands work;
# make test and make bench override it with DEBUG=0. Deployments write their own .env.
.env:
	printf '# Development settings written by make (see .env.example for production).\nDEBUG=1\n' > .env

setup: $(STAMP) .env
	$(PY) manage.py compile_catalogues

## make run: SQLite under var/, tasks in-process, demo data on first start.
run: setup
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "Serving http://$(HOST):$(PORT)/  (another address: make run HOST=0.0.0.0 PORT=8080)"
	@echo "Fresh demo data: stop the server, rm -rf var/ and make run again."
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the static checks, then the whole suite on a throwaway PostgreSQL (and redis-server when installed).
test: lint
	SECRET_KEY=test-only-not-secret DEBUG=0 SECURE_SSL_REDIRECT=0 \
		scripts/test_services.sh $(PY) -m pytest $(ARGS)

## make lint: ruff (style and format), import-linter (layers, .importlinter), mypy (services, selectors, documents).
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(VENV)/bin/mypy

messages: setup
	DEBUG=1 $(PY) manage.py messages $(APPS)
	$(PY) manage.py compile_catalogues

worker: setup
	$(VENV)/bin/celery -A renda worker --loglevel=info --concurrency=2

beat: setup
	$(VENV)/bin/celery -A renda beat --loglevel=info --schedule var/celerybeat-schedule

bench: setup
	SECRET_KEY=bench-only-not-secret DEBUG=0 SECURE_SSL_REDIRECT=0 \
		scripts/test_services.sh $(PY) manage.py bench $(ARGS)

clean:
	rm -rf $(VENV) var/staticfiles
