# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run    the site with sample data on SQLite at http://127.0.0.1:5000, and a task worker (Procfile.dev)
#   make test   the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test db lint bench coordinator clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

# A random SECRET_KEY for development, written once (the app refuses to start without a real key).
instance/secret_key: | $(BIN)/python
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_hex(32))' > $@
	@echo "wrote a new random SECRET_KEY into $@"

db: $(VENV)/.installed instance/secret_key
	$(BIN)/flask db upgrade
	$(BIN)/flask seed

# honcho starts the web server and the worker (e-mail, rankings) together; Ctrl-C stops both.
run: db
	$(BIN)/honcho -f Procfile.dev start

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.bench_ranking

coordinator: db
	@read -p "Coordinator e-mail: " email && $(BIN)/flask create-coordinator "$$email"

clean:  # also deletes the development database in instance/
	rm -rf $(VENV) instance .pytest_cache
