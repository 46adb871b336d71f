"""Backups in each database's own format, written and read in constant memory (`backup` and `restore` commands).

PostgreSQL: a pg_dump archive in custom format (schema and data), restored by pg_restore in one transaction.
SQLite: a copy of the database file made with SQLite's online backup API, copied back the same way.
Either way the file holds the whole database, schema included: a restore needs no matching migration state, and
`migrate` afterwards brings an older backup up to the running code. Plain-text credentials stay out of it.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core import response_cache
from core.loading import record_apps

# Tables whose rows are usable credentials: DRF's plain-text API tokens and login sessions. Their definitions are
# kept, their rows never leave the database. Hashed tokens (knox's digests) are not usable and are kept.
CREDENTIAL_TABLES = ("authtoken_token", "django_session")

PGDUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# What earlier versions wrote: Django's dumpdata JSON, plain or compressed (gzip, bzip2, xz).
JSON_MAGICS = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"[", b"{")


def default_path(now) -> Path:
    suffix = "dump" if connection.vendor == "postgresql" else "sqlite3"
    return Path(f"backups/dealgraph-{now:%Y%m%dT%H%M%SZ}.{suffix}")


def backup(path: Path) -> None:
    """Write the database to `path`, atomically: a failed backup leaves no file under that name."""
    path = path.resolve()
    if path.is_dir():
        raise CommandError(f"{path} is a directory: name the backup file.")
    if _is_the_database(path):
        raise CommandError(f"{path} is this instance's database: name another file.")
    _connect()
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        if connection.vendor == "postgresql":
            _pg_backup(partial)
        elif connection.vendor == "sqlite":
            _sqlite_backup(partial)
        else:
            raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
        # The file holds password hashes and everything curators wrote: for its owner only.
        partial.chmod(0o600)
        partial.replace(path)
    except OSError as error:
        raise CommandError(f"The backup failed: {error.strerror or error}: {error.filename or path}.") from None
    finally:
        partial.unlink(missing_ok=True)


def _connect() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        lines = str(error).strip().splitlines() or [type(error).__name__]
        raise CommandError(f"Cannot connect to the database: {lines[0].strip()}") from None


def _is_the_database(path: Path) -> bool:
    name = connection.settings_dict["NAME"]
    return connection.vendor == "sqlite" and not connection.is_in_memory_db() and Path(name).resolve() == path


def restore(path: Path) -> None:
    """Load a backup into a database holding no records and no accounts, then apply what the services would have
    checked. Any refusal or failure leaves the database empty and migrated."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    path = path.resolve()
    _connect()
    kind = file_kind(path)
    if _is_the_database(path):
        raise CommandError(f"{path} is this instance's database: restore from a backup file.")
    if kind != connection.vendor:
        raise CommandError(_wrong_kind(path, kind))
    if kind == "postgresql":
        tool, toc = _pg_check_archive(path)
    else:
        _sqlite_check_file(path)
    refuse_unless_empty()
    try:
        if kind == "postgresql":
            _pg_restore(path, tool, toc)
        else:
            _sqlite_restore(path)
    except CommandError:
        _leave_empty()
        raise
    # Content type ids are the backup's now, not those this process cached.
    ContentType.objects.clear_cache()
    # An older backup is brought up to the running code; a current one has nothing to apply.
    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            for config in record_apps():
                config.records_loaded()
    except ValidationError as error:
        _leave_empty()
        raise CommandError(
            f"Nothing was restored: {' '.join(error.messages)} Fix the database the backup came from (add the "
            "citations, or set those deals' review_status to draft), back it up and restore again."
        ) from error
    # The rows arrived past Django's connection: cached API answers are of the empty database.
    if response_cache.enabled():
        response_cache.bump_generation()


def file_kind(path: Path) -> str:
    """'postgresql', 'sqlite', 'json' (an earlier version's backup) or 'unknown', from the file's first bytes."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except FileNotFoundError:
        raise CommandError(f"{path} does not exist.") from None
    except OSError as error:
        raise CommandError(f"{path} cannot be read: {error.strerror}.") from None
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.lstrip().startswith(JSON_MAGICS):
        return "json"
    return "unknown"


def _wrong_kind(path: Path, kind: str) -> str:
    here = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    if kind == "json":
        return (
            f"{path} is a JSON backup from an earlier version (Django's dumpdata); load it with `manage.py loaddata` "
            "into an empty database, or take a new backup."
        )
    if kind in ("postgresql", "sqlite"):
        there = "PostgreSQL" if kind == "postgresql" else "SQLite"
        return f"{path} is a backup of a {there} database and this instance runs on {here}: restore it on {there}."
    return f"{path} is not a backup written by `manage.py backup` (neither a PostgreSQL archive nor a SQLite file)."


def refuse_unless_empty() -> None:
    """Restore replaces the whole database: refuse when it holds anything a restore would lose."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    record_models = [
        model
        for config in record_apps()
        for model in config.get_models()
        if not model.__name__.startswith("Historical") and model._meta.db_table in tables
    ]
    records = sum(model.objects.count() for model in record_models)
    user_model = get_user_model()
    accounts = user_model.objects.count() if user_model._meta.db_table in tables else 0
    if records or accounts:
        raise CommandError(
            f"This database is not empty (records: {records}, user accounts: {accounts}); restore only into an empty "
            "one, so nothing is merged or overwritten (`manage.py flush` empties this one)."
        )


# Functions migrations made (the statistics' trigger functions), not those of an extension such as pg_trgm: the
# archive brings its own, and pg_restore will not create a function that is already there.
OWN_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"""


def _drop_tables() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    # SQLite checks foreign keys on DROP TABLE; PostgreSQL drops the constraints with CASCADE.
    connection.disable_constraint_checking()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cascade = " CASCADE" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{cascade}")
            if connection.vendor == "postgresql":
                cursor.execute(OWN_FUNCTIONS)
                for (function,) in cursor.fetchall():
                    cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    finally:
        connection.enable_constraint_checking()


def _leave_empty() -> None:
    """After a failed or refused restore: the database as `migrate` leaves a new one."""
    connection.close()
    _drop_tables()
    call_command("migrate", verbosity=0)


# PostgreSQL


def _pg_environment() -> dict[str, str]:
    """libpq's variables for Django's connection: nothing reaches the command line, where others could read it."""
    settings = connection.settings_dict
    _, extra = connection.client.settings_to_cmd_args_env(settings, [])
    env = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("NAME", "PGDATABASE")):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, refused unless its major version is the server's: a newer pg_dump writes
    archives an older pg_restore cannot read, and an older one refuses a newer server."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} was not found on PATH: install PostgreSQL {server}'s client tools (Debian: postgresql-client-{server})."
        )
    try:
        answer = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise CommandError(f"{found} could not be run: {error}.") from None
    match = re.search(r"\(PostgreSQL\) (\d+)", answer)
    if not match or int(match.group(1)) != server:
        version = answer.strip() or "of unknown version"
        raise CommandError(
            f"{found} is {version} but the server is PostgreSQL {server}: put PostgreSQL {server}'s client tools "
            "first on PATH."
        )
    return found


def _first_error(stderr: str) -> str:
    """pg_dump's and pg_restore's first error, on one line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line or "FATAL" in line] or lines or ["no message"]
    return errors[0]


def _pg_backup(partial: Path) -> None:
    pg_dump = _pg_tool("pg_dump")
    command = [pg_dump, "--format=custom", "--no-password", f"--file={partial}"]
    command += [f"--exclude-table-data={table}" for table in CREDENTIAL_TABLES]
    done = subprocess.run(command, env=_pg_environment(), stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"The backup failed: {_first_error(done.stderr)}")


def _pg_check_archive(path: Path) -> tuple[str, list[str]]:
    """pg_restore's table of contents of `path`, refused unless it is an archive of a Dealgraph database."""
    pg_restore = _pg_tool("pg_restore")
    listed = subprocess.run([pg_restore, "--list", str(path)], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if listed.returncode:
        raise CommandError(f"{path} is not a readable backup: {_first_error(listed.stderr)}")
    toc = listed.stdout.splitlines()
    if not any(re.search(r" TABLE \S+ django_migrations ", line) for line in toc):
        raise CommandError(f"{path} is a PostgreSQL archive, but not of a Dealgraph database (no django_migrations).")
    return pg_restore, toc


def _pg_restore(path: Path, pg_restore: str, toc: list[str]) -> None:
    # Migrated but empty (refuse_unless_empty): its tables go, the archive brings its own.
    _drop_tables()
    connection.close()
    # An extension's comment belongs to the extension's owner; the restoring role may not set it.
    kept = [line for line in toc if " COMMENT - EXTENSION " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list") as listing:
        listing.write("\n".join(kept) + "\n")
        listing.flush()
        settings = connection.settings_dict
        database = settings.get("NAME") or f"service={settings['OPTIONS'].get('service', '')}"
        command = [
            pg_restore,
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--use-list={listing.name}",
            f"--dbname={database}",
            str(path),
        ]
        done = subprocess.run(command, env=_pg_environment(), stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"Nothing was restored: {_first_error(done.stderr)}")


# SQLite


def _sqlite_backup(partial: Path) -> None:
    connection.ensure_connection()
    copy = None
    try:
        copy = sqlite3.connect(partial)
        # One step: a consistent snapshot, in constant memory (SQLite copies page by page).
        connection.connection.backup(copy)
        # A single self-contained file; the deletions below go to a journal that is discarded.
        copy.execute("PRAGMA journal_mode=DELETE")
        # Deleted rows are overwritten with zeros, not left in free pages where the file would still hold them.
        copy.execute("PRAGMA secure_delete=ON")
        present = {name for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in CREDENTIAL_TABLES:
            if table in present:
                copy.execute(f'DELETE FROM "{table}"')
                if "sqlite_stat4" in present:  # ANALYZE's samples of an index hold key values
                    copy.execute("DELETE FROM sqlite_stat4 WHERE tbl = ?", (table,))
        copy.commit()
    except sqlite3.Error as error:
        raise CommandError(f"The backup failed: {error}.") from None
    finally:
        if copy is not None:
            copy.close()


def _sqlite_open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_check_file(path: Path) -> None:
    try:
        source = _sqlite_open(path)
        try:
            names = {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            # Catches a truncated or damaged copy before it replaces anything.
            (verdict,) = source.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            source.close()
    except sqlite3.Error as error:
        raise CommandError(f"{path} is not a readable backup: {error}.") from None
    if verdict != "ok":
        # SQLite's verdict can span lines ("*** in database main ***" then the fault); the refusal is one line.
        raise CommandError(f"{path} is damaged: {' '.join(verdict.split())}.")
    if "django_migrations" not in names:
        raise CommandError(f"{path} is a SQLite file, but not of a Dealgraph database (no django_migrations).")


def _sqlite_restore(path: Path) -> None:
    """Through the backup API, into the live file: SQLite takes its own locks and writes through the database's
    journal (WAL or rollback), so other connections see the old content or the new, never a torn file."""
    connection.ensure_connection()
    source = _sqlite_open(path)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise CommandError(
            f"Nothing was restored: {error} (stop the processes that have the database open, and restore again)."
        ) from None
    finally:
        source.close()
