# Dealgraph: `make run` serves a seeded instance, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
# Two stamps: serving needs only [project] dependencies; tests and lint add the `dev` extra on top.
SERVE_STAMP := $(VENV)/.installed-serve
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: install install-serve run serve migrate seed lint test test-sqlite test-postgres backup restore bench clean

$(SERVE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(SERVE_STAMP)

$(DEV_STAMP): $(SERVE_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

# What `make run`, `serve`, `backup`, `restore` and `bench` need; `make install` is a whole development setup.
install-serve: $(SERVE_STAMP)

install: $(DEV_STAMP)

migrate: install-serve
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed

# DEBUG defaults on here only, so runserver serves the admin's static files locally.
run: seed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production serving (docs/deploy.md): gunicorn behind a TLS proxy, static files through WhiteNoise.
# PRODUCTION defaults on here and the target sets no secret itself; `PRODUCTION=false make serve` is the local trial.
# The key is checked before migrate touches anything, so a missing one is a message rather than a traceback.
serve: export PRODUCTION ?= true
serve: install-serve
	@case "$$(printf %s "$$PRODUCTION" | tr A-Z a-z)" in \
	  true|on|ok|y|yes|1) test -n "$${SECRET_KEY:-}" || { \
	    echo "make serve: PRODUCTION is on but SECRET_KEY is not set. Export a long random key (docs/deploy.md)," >&2; \
	    echo "or run 'PRODUCTION=false make serve' for a local trial with the insecure development key." >&2; exit 1; } ;; \
	esac
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PORT=$(PORT) exec $(BIN)/gunicorn --config config/gunicorn.conf.py config.wsgi

# The whole database, in its own format (pg_dump archive, or SQLite file), to backups/ (or FILE=...); restore loads one
# into an empty database (docs/deploy.md, Backups). PostgreSQL needs pg_dump/pg_restore of the server's major version.
backup: install-serve
	$(BIN)/python manage.py backup $(FILE)

restore: migrate
	@test -n "$(FILE)" || { echo "make restore: name the backup, e.g. make restore FILE=backups/dealgraph-....dump" >&2; exit 1; }
	$(BIN)/python manage.py restore $(FILE)

# One million deals, served by gunicorn on loopback: on PostgreSQL each case measured against a bare floor app, on
# SQLite against Datasette serving the same file (bench/run.py, docs/performance.md); never part of `make test`.
# It creates (or reuses) its own PostgreSQL database, BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/dealgraph_bench), its own SQLite file under bench/.data/ and Datasette's
# virtualenv in bench/.venv-datasette; wrk comes from Debian.
# `make bench BENCH_CASES=sqlite` runs the Datasette comparison alone, BENCH_CASES=postgres the floor's.
bench: install-serve
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py

# ruff's lint and format checks (settings in pyproject.toml); `ruff format .` fixes the formatting.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

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
