# The README's two commands: `make run` and `make test`. Everything they need
# is installed here, into .venv, from pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
LOCALSTRIPE_PORT ?= 8420
export FLASK_APP := storefront

.PHONY: run test bench lint format translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

translations: | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -d storefront/translations --statistics 2>/dev/null || \
		$(BIN)/pybabel compile -d storefront/translations

run: $(VENV)/.installed translations
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python -m storefront.devserver --port $(PORT) --localstripe-port $(LOCALSTRIPE_PORT)

test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev translations
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/checkout.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
