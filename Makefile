# Dealgraph: `make run` serves a seeded instance, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run migrate seed test test-sqlite test-postgres clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed

# DEBUG defaults on here only, so runserver serves the admin's static files locally.
run: seed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite on the embedded SQLite database, then on PostgreSQL when DATABASE_URL names one.
test: install
	$(MAKE) --no-print-directory test-sqlite
	@case "$${DATABASE_URL:-}" in \
	  postgres://*|postgresql://*|pgsql://*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL does not point at PostgreSQL: PostgreSQL run skipped." ;; \
	esac

test-sqlite: install
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== test suite on PostgreSQL =="
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache *.egg-info
