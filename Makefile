# Two entry points (README): `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= website.settings

.PHONY: run test lint system-deps install messages

system-deps:
	@bash scripts/install-system-deps.sh

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $@

install: system-deps $(VENV)/.installed

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

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
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=website.settings_test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=website.settings_test $(PY) manage.py makemigrations --check --dry-run --noinput

test: lint messages
	$(PY) -m pytest $(PYTEST_ARGS)
