"""Backup and restore: the API answers byte for byte the same after a round trip through an empty database; a
backup holds no usable token or session; every refusal is one clear line and leaves the database as it was."""

import json
import secrets
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from deals.models import Deal
from sources.models import Citation, Source

POSTGRES_ONLY = "pg_dump and pg_restore serve PostgreSQL only; a SQLite backup needs no outside tool"


def snapshot(client):
    deals = client.get("/api/v1/deals/", {"page_size": 500}).content
    export = b"".join(client.get("/api/v1/deals/export.csv").streaming_content)
    history = client.get(f"/api/v1/deals/{Deal.objects.order_by('pk').first().pk}/history/").content
    return deals, export, history


def counts():
    return Deal.objects.count(), Citation.objects.count(), Source.objects.count(), get_user_model().objects.count()


def refusal(*args) -> str:
    """The one-line message a command refuses with."""
    with pytest.raises(CommandError) as refused:
        call_command(*args)
    message = str(refused.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def backup_content(path) -> bytes:
    """What the backup holds, readable: pg_dump's archive is compressed, so it is turned back into SQL first."""
    if connection.vendor == "postgresql":
        return subprocess.run(
            [shutil.which("pg_restore"), "--file=-", str(path)], capture_output=True, check=True
        ).stdout
    return path.read_bytes()


@contextmanager
def plain_token(user, key):
    """A row of DRF's plain-text token table; the table is made (and dropped afterwards) where the code has none."""
    with connection.cursor() as cursor:
        made = "authtoken_token" not in connection.introspection.table_names(cursor)
        if made:
            cursor.execute(
                "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp NOT NULL, user_id integer)"
            )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)", [key, timezone.now(), user.pk]
        )
    try:
        yield
    finally:
        if made:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE authtoken_token")


def test_backup_then_restore_into_an_empty_database(committed_db, client, tmp_path, curator):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    deal.notes = "Edited before the backup."
    deal.save()
    before = snapshot(client)
    held = counts()
    path = tmp_path / "backup"
    call_command("backup", str(path))

    assert "restore only into an empty one" in refusal("restore", str(path))
    assert counts() == held

    call_command("flush", interactive=False, verbosity=0)
    assert Deal.objects.count() == 0
    call_command("restore", str(path))
    assert snapshot(client) == before
    assert counts() == held
    assert Deal.objects.get(pk=deal.pk).history.first().notes == "Edited before the backup."
    assert get_user_model().objects.get(username="curator").check_password("curator-pass-123")


def test_restore_refuses_a_database_holding_only_an_account(committed_db, tmp_path):
    path = tmp_path / "backup"
    call_command("backup", str(path))
    call_command("flush", interactive=False, verbosity=0)
    get_user_model().objects.create_user(username="admin", password="admin-pass-123")

    message = refusal("restore", str(path))
    assert message.startswith("This database is not empty (records: 0, user accounts: 1)")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
    assert Deal.objects.count() == 0


def test_a_backup_holds_no_usable_token_or_session(committed_db, client, tmp_path, curator):
    key = secrets.token_hex(20)
    client.force_login(curator)
    session_key = client.session.session_key
    path = tmp_path / "backup"
    with plain_token(curator, key):
        call_command("backup", str(path))
        content = backup_content(path)
        # The search can find things: the account itself is there, with its password hash.
        assert curator.password.encode() in content
        assert key.encode() not in content
        assert session_key.encode() not in content

        call_command("flush", interactive=False, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM authtoken_token")
        call_command("restore", str(path))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone() == (0,)
    assert get_user_model().objects.filter(username="curator").exists()
    # The restored instance knows no session: the curator logs in again.
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_a_missing_postgres_tool_is_one_clear_line(command, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_ONLY)
    server = connection.pg_version // 10000
    archive = tmp_path / "archive.dump"
    archive.write_bytes(b"PGDMP" + bytes(100))
    args = [command, str(archive if command == "restore" else tmp_path / "new.dump")]
    tool = "pg_dump" if command == "backup" else "pg_restore"

    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    message = refusal(*args)
    assert message == (
        f"{tool} was not found on PATH: install PostgreSQL {server}'s client tools "
        f"(Debian: postgresql-client-{server})."
    )

    fake = tmp_path / "old-tools"
    fake.mkdir()
    (fake / tool).write_text(f'#!/bin/sh\necho "{tool} (PostgreSQL) 9.6.24"\n')
    (fake / tool).chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    message = refusal(*args)
    assert message == (
        f"{fake / tool} is {tool} (PostgreSQL) 9.6.24 but the server is PostgreSQL {server}: "
        f"put PostgreSQL {server}'s client tools first on PATH."
    )
    assert not (tmp_path / "new.dump").exists()


def other_kind_of_backup(path):
    """A backup of the other kind of database than the one the tests run on."""
    if connection.vendor == "postgresql":
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE django_migrations (id integer)")
        other.close()
        return "a backup of a SQLite database and this instance runs on PostgreSQL: restore it on SQLite."
    path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    return "a backup of a PostgreSQL database and this instance runs on SQLite: restore it on PostgreSQL."


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_one_clear_line(tmp_path):
    not_backup = "is not a backup written by `manage.py backup` (neither a PostgreSQL archive nor a SQLite file)."
    cases = {
        "text": (b"Dear operator, this is a letter.\n", not_backup),
        "empty": (b"", not_backup),
        "old-json": (
            json.dumps([{"model": "deals.deal", "pk": 1, "fields": {}}]).encode(),
            "is a JSON backup from an earlier version (Django's dumpdata); load it with `manage.py loaddata` into an "
            "empty database, or take a new backup.",
        ),
    }
    for name, (content, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert refusal("restore", str(path)) == f"{path} {expected}"
    other = tmp_path / "other"
    expected = other_kind_of_backup(other)
    assert refusal("restore", str(other)) == f"{other} is {expected}"
    assert refusal("restore", str(tmp_path / "absent")) == f"{tmp_path / 'absent'} does not exist."


def test_a_damaged_backup_restores_nothing_and_leaves_the_database_usable(committed_db, client, tmp_path):
    before = snapshot(client)
    path = tmp_path / "backup"
    call_command("backup", str(path))
    data = path.read_bytes()
    call_command("flush", interactive=False, verbosity=0)

    # Cut short, as by a full disk; and the same length with its second half overwritten.
    truncated = tmp_path / "truncated"
    truncated.write_bytes(data[: len(data) // 2])
    scrambled = tmp_path / "scrambled"
    scrambled.write_bytes(data[: len(data) // 2] + bytes(len(data) - len(data) // 2))
    for damaged in (truncated, scrambled):
        message = refusal("restore", str(damaged))
        assert message.startswith((f"{damaged} is not a readable backup", f"{damaged} is damaged", "Nothing was"))
        assert counts() == (0, 0, 0, 0)

    call_command("restore", str(path))
    assert snapshot(client) == before
