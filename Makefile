# Two entry points (README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= website.settings

.PHONY: run test lint system-deps install messages

system-deps:
	@bash scripts/install-system-deps.sh $(SYSTEM_DEPS_FLAGS)

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: system-deps $(VENV)/.installed

# compilemessages only reads LOCALE_PATHS, so the test settings (no SECRET_KEY needed) do.
messages: install
	DJANGO_SETTINGS_MODULE=website.settings_test $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

run: export DEBUG := 1
run: install messages
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed_content
	$(PY) manage.py create_demo_admin
	$(PY) manage.py load_demo
	@echo
	@echo "网站：      http://$(HOST):$(PORT)/"
	@echo "管理后台：  http://$(HOST):$(PORT)/admin/   用户名 admin  密码 admin12345"
	@echo
# The worker runs large roster imports and 名册 prints in the background and stops with the server.
	$(PY) manage.py db_worker --backend background --queue-name rosters,pdf --no-reload & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The exported settings module would override pytest's ini one, so test exports its own.
lint test: export DJANGO_SETTINGS_MODULE := website.settings_test
test: SYSTEM_DEPS_FLAGS := --tests

lint: install
	@mkdir -p var
	$(VENV)/bin/ruff check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run --noinput

# Two workers (pytest-xdist): PostgreSQL ran in 5-7 min instead of 11, SQLite about as fast.
# Override for one run, e.g. `make test PYTEST_ARGS="-n 0 -k search"`.
PYTEST_ARGS ?= -n 2
# pytest fails on no tests collected (exit 5) as on any failure.
test: lint messages
	$(PY) -m pytest $(PYTEST_ARGS)
