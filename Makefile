# The README's two commands: `make run` and `make test`. Everything they need
# is installed here, into .venv, from the pinned lock files (`make lock` writes
# them from pyproject.toml): requirements-local.lock for `make run` (the shop
# and localstripe), requirements-dev.lock for the tests, benchmarks and CI.
# Production servers install requirements.lock (docs/deployment.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# Empty: each `make run` starts its localstripe on a free port of its own.
LOCALSTRIPE_PORT ?=
export FLASK_APP := storefront
PIP_COMPILE := $(BIN)/pip-compile --quiet --strip-extras --allow-unsafe \
	--no-emit-index-url --no-emit-find-links

.PHONY: run test bench lint format translations clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements-local.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-local.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

# After changing dependencies in pyproject.toml: pin everything anew. The
# development lock is resolved first; the other two take its versions.
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --extra dev --extra localstripe -o requirements-dev.lock pyproject.toml
	$(PIP_COMPILE) --extra localstripe -c requirements-dev.lock -o requirements-local.lock pyproject.toml
	$(PIP_COMPILE) -c requirements-dev.lock -o requirements.lock pyproject.toml

translations: | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -d storefront/translations --statistics 2>/dev/null || \
		$(BIN)/pybabel compile -d storefront/translations

run: $(VENV)/.installed translations
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/python -m storefront.devserver --port $(PORT) \
		$(if $(LOCALSTRIPE_PORT),--localstripe-port $(LOCALSTRIPE_PORT))

test: $(VENV)/.installed-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev translations
	$(BIN)/python bench/catalog.py
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/nginx.py
	$(BIN)/python bench/staff.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
