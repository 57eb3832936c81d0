# The two commands a newcomer needs: `make up` (run the platform locally) and
# `make test` (every test, against real servers). Both install what they need.

SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: help bootstrap up down status env test test-unit lint audit format bench clean

help:
	@echo "make up       start the local platform (stack, operator, control plane, demo tenant)"
	@echo "make test     lint + every test (unit, integration, k8s, e2e) against real servers"
	@echo "make audit    known vulnerabilities in the locked dependencies (pip-audit; needs PyPI's advisory API)"
	@echo "make down     stop everything make up started"
	@echo "make status   show each component and its address"
	@echo 'eval "$$(make -s env)"   KUBECONFIG, DATABASE_URL, ... and the built kubectl/helm on PATH'

# uv is bootstrapped from PyPI if absent; the venv follows uv.lock exactly.
$(UV):
	python3 -m pip install --user --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

bootstrap: .venv/.synced

up: bootstrap
	$(PY) -m devstack up
	$(PY) -m devstack platform-up

down: bootstrap
	$(PY) -m devstack platform-down
	$(PY) -m devstack down

status: bootstrap
	$(PY) -m devstack status

env: bootstrap
	@$(PY) -m devstack env

# lint-imports checks the component boundaries (pyproject.toml [tool.importlinter]);
# --no-cache: its cache reported cycles already removed after files moved (3 s without it).
lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache

# Known vulnerabilities in the locked dependencies (uv.lock, every group), with pip-audit
# against PyPI's advisory data. --strict: a package the advisory source cannot answer for
# fails the run instead of being skipped (without it, an unreachable source looks clean).
# Not part of `make lint`: it needs the PyPI JSON API (or api.osv.dev with
# AUDIT_SOURCE=osv), which this project's offline builders cannot reach (every package
# answers "not found"); .ci/run runs it where CI_AUDIT_DEPS=1 (a connected runner).
PIP_AUDIT_VERSION := 2.10.1
AUDIT_SOURCE ?= pypi
audit: $(UV)
	$(UV) export --frozen --all-groups --format requirements-txt --no-emit-project --quiet > .audit-requirements.txt
	$(UV) tool run --quiet pip-audit==$(PIP_AUDIT_VERSION) --strict --disable-pip --no-deps \
		--vulnerability-service $(AUDIT_SOURCE) --requirement .audit-requirements.txt; \
		status=$$?; rm -f .audit-requirements.txt; exit $$status

# The stack is built and started before pytest so that its (cold) build time
# is reported on its own and not charged to the first test.
test: lint
	$(PY) -m devstack up
	.venv/bin/pytest $(PYTEST_ARGS)

test-unit: bootstrap
	.venv/bin/pytest -m unit $(PYTEST_ARGS)

format: bootstrap
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

bench: bootstrap
	@ls benchmarks/*.py | sed 's/^/  /'; echo "run one with: $(PY) benchmarks/<name>.py"

# Also deletes the PostgreSQL cluster that a root-run stack keeps outside .devstack/.
clean: down
	$(PY) -m devstack clean
