# The entry points people and CI use. `make test` and `make demo` install what is missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup test lint typecheck unit demo bench clean

setup:
	./deploy/local/setup.sh

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

unit: setup
	$(VENV)/bin/pytest tests/unit tests/conformance

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

demo: setup
	$(VENV)/bin/smartregion demo

clean:
	rm -rf .smartregion .pytest_cache .mypy_cache .ruff_cache

# Figures, never assertions; never part of `make test`. The ingest run takes about two
# minutes; the query run loads 20 M readings on first use (about ten minutes), then reuses them.
bench: setup
	$(VENV)/bin/smartregion bench ingest
	$(VENV)/bin/smartregion bench query

# Regenerate grafana/dashboards/*.json from the generator (grafana/boards/); commit the result.
.PHONY: grafana
grafana:
	$(PY) -m grafana.generate
