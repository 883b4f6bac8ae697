# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := DJANGO_DEBUG=1 PIXORGA_EMBEDDED=1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint messages bench audit install chromium migrate content demo worker clean help

help:
	@echo "make run    – installe, prépare la base (SQLite) et sert le site sur http://$(HOST):$(PORT)"
	@echo "make test   – toute la suite (tests navigateur compris), après make lint"
	@echo "make lint   – ruff et le contrat d'imports entre applications (docs/architecture.md)"
	@echo "make messages – met à jour et compile les traductions (locale/)"
	@echo "make bench  – les mesures de performance (voir bench/README.md)"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv || true
	if [ -x $(VENV)/bin/uv ]; then \
		$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt -r requirements-dev.txt; \
	else \
		$(VENV)/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt; \
	fi
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

content: migrate
	$(DEV) $(PY) manage.py load_content

demo: content
	$(DEV) $(PY) manage.py load_demo

# load_demo prints the demo logins just before the server starts.
run: demo
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

# The worker with Celery beat inside it (-B): beat sends lost jobs again every 30 s (pixorga/sweep.py).
# Development settings (no SECRET_KEY needed); production runs beat as a service of its own.
worker: install
	$(DEV) $(PY) -m celery -A pixorga worker -B --schedule=$(VENV)/celerybeat-schedule --loglevel=INFO

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installation de Chromium (paquet Debian)…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium; \
	}

# The app graph of docs/architecture.md (pyproject.toml, [tool.importlinter]) and ruff's rules.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install chromium lint
	$(DEV) $(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not browser"

# The catalogues after adding strings: French msgids, so locale/fr only holds plural forms.
messages: install
	$(DEV) $(PY) manage.py makemessages -l fr -l en --no-obsolete
	$(DEV) $(PY) manage.py compilemessages --ignore=".venv*"

# Known vulnerabilities of the pinned dependencies (PyPI's advisory data); fails on any found.
audit: install
	$(PY) -m pip_audit -r requirements.txt --progress-spinner off

# The HTTP loads' generator (Locust) lives in a virtualenv of its own.
$(VENV)-load/.installed: bench/requirements-load.txt
	$(PYTHON) -m venv $(VENV)-load
	$(VENV)-load/bin/pip install --quiet --disable-pip-version-check -r bench/requirements-load.txt
	touch $@

bench: install $(VENV)-load/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(VENV)-load db.sqlite3 staticfiles
