# The two commands a newcomer needs: `make up` (run the platform locally) and
# `make test` (every test, against real servers). Both install what they need.

SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: help bootstrap up down status env test test-unit lint format bench clean

help:
	@echo "make up       start the local platform (stack, operator, control plane, demo tenant)"
	@echo "make test     lint + every test (unit, integration, k8s, e2e) against real servers"
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
