"""A database that was migrated and never seeded: every command either works or says in one line what to run."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from sources.models import Source
from systems.models import Category

from .sipri_files import CLASSIC_ROWS, classic

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def migrated_only(tmp_path):
    """The DATABASE_URL of a database of the suite's kind (SQLite or PostgreSQL) that has only been migrated."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated-only.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_migrated_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        yield f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def counts(database_url) -> str:
    probe = (
        "from deals.models import Deal; from sources.models import Source; from systems.models import Category;"
        "from actors.models import Actor;"
        "print(Deal.objects.count(), Source.objects.count(), Category.objects.count(), Actor.objects.count())"
    )
    result = manage(database_url, "shell", "-c", probe)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[-2]


def test_commands_on_a_migrated_but_unseeded_database(migrated_only, tmp_path):
    migrated = manage(migrated_only, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    register = classic(tmp_path, CLASSIC_ROWS)

    # The import names what is missing and what to run, in one line, and writes nothing.
    refused = manage(migrated_only, "import_sipri", str(register))
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "CommandError: This database lacks SIPRI's armament categories and the states and SIPRI's names for "
        "them: run `manage.py seed` first, then import again."
    ]
    assert "KeyError" not in refused.stdout + refused.stderr
    assert counts(migrated_only) == "0 0 0 0"

    # The curators group and its permissions come with migrate, so a curator can be made at once.
    curator = manage(migrated_only, "createcurator", "alice")
    assert curator.returncode == 0, curator.stderr
    assert "Created curator alice" in curator.stderr and curator.stdout.strip()
    probe = (
        "from django.contrib.auth.models import User; u = User.objects.get(username='alice');"
        "print(u.has_perm('deals.add_deal'), u.has_perm('systems.change_system'), u.has_perm('auth.add_user'))"
    )
    assert manage(migrated_only, "shell", "-c", probe).stdout.split("\n")[-2] == "True True False"

    # After the seed the same file imports, and a second seed adds nothing.
    seeded = manage(migrated_only, "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert ", 0 already present" in seeded.stdout
    imported = manage(migrated_only, "import_sipri", str(register))
    assert imported.returncode == 0, imported.stderr
    assert "deals created 6, updated 0" in imported.stdout, imported.stdout
    before = counts(migrated_only)
    again = manage(migrated_only, "seed")
    assert again.returncode == 0 and again.stdout.startswith("Seed: 0 records added"), again.stdout + again.stderr
    assert counts(migrated_only) == before


@pytest.mark.django_db
def test_a_partly_emptied_vocabulary_is_named(tmp_path):
    """A category a curator removed is named, rather than failing later on the first system filed under it."""
    Category.objects.filter(slug="satellites").delete()
    with pytest.raises(CommandError) as refused:
        call_command("import_sipri", str(classic(tmp_path, CLASSIC_ROWS)))
    assert str(refused.value) == (
        "This database lacks SIPRI's armament category satellites: run `manage.py seed` first, then import again."
    )
    assert not Source.objects.filter(
        title__startswith="SIPRI Arms Transfers Database: trade register (data generated 3 Mar"
    )
