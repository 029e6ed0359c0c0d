# Two commands set everything up on a fresh machine with Python 3.11 and make:
#   make run    the site with sample data on SQLite at http://127.0.0.1:5000, and a task worker (Procfile.dev)
#   make test   the whole test suite
#   make lock   recompile requirements*.lock after editing requirements*.txt
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: run test db lint lock bench coordinator clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files: every transitive dependency pinned, each file checked against its hash.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --disable-pip-version-check -q --require-hashes -r requirements-dev.lock
	touch $@

# After editing requirements.txt or requirements-dev.txt: recompile both lock files (pip-tools, needs PyPI).
# Versions already locked are kept; `make lock LOCK_ARGS=--upgrade` moves every transitive dependency to its newest.
# requirements.lock comes first: requirements-dev.txt uses it as constraints, so both install the same versions.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --newline lf $(LOCK_ARGS)
lock: $(VENV)/.installed-dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

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
