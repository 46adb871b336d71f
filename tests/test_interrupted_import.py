"""An import killed midway (SIGKILL) leaves the database as it was; running it again gives an uninterrupted result."""

import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.db import connection

from actors.models import Actor, ActorAlias
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import System, SystemAlias

ROOT = Path(__file__).resolve().parent.parent
CLASSIC_FILE = ROOT.parent / "shared" / "data" / "sipri" / "trade-register-2025-10-deliveries.csv"
MODELS = [Deal, Delivery, Citation, Source, Actor, ActorAlias, System, SystemAlias]
TABLES = [table for model in MODELS for table in (model._meta.db_table, model.history.model._meta.db_table)]
# libpq reads PGAPPNAME, so the killed process's server backend can be told apart from every other.
APP_NAME = "dg-interrupted-import"
WAIT = 120

DEAL_FACTS = """
    SELECT d.id, s.slug, r.slug, sy.designation, sy.name, sy.description, d.year, d.year_is_estimate, d.kind, d.status,
           d.quantity_ordered, d.quantity_ordered_is_estimate, d.quantity_delivered, d.quantity_delivered_is_estimate,
           d.first_delivery_year, d.last_delivery_year, d.condition, d.notes, d.review_status, d.sipri_id,
           d.tiv_per_unit, d.tiv_total, d.tiv_delivered
    FROM deals_deal d
    JOIN actors_actor s ON s.id = d.supplier_id
    JOIN actors_actor r ON r.id = d.recipient_id
    JOIN systems_system sy ON sy.id = d.system_id
"""
DELIVERIES = "SELECT deal_id, year, year_is_estimate, quantity, quantity_is_estimate FROM deals_delivery"
CITATIONS = """
    SELECT c.deal_id, s.title, c.locator, c.quote, c.stance, c.hedge, c.hedge_text
    FROM sources_citation c JOIN sources_source s ON s.id = c.source_id WHERE c.deal_id IS NOT NULL
"""
# Rows a half-written import could leave behind: each must stay as many as before the import started.
LEFTOVERS = {
    "deliveries without their deal": "SELECT COUNT(*) FROM deals_delivery v LEFT JOIN deals_deal d ON d.id = v.deal_id WHERE d.id IS NULL",
    "citations without their deal": "SELECT COUNT(*) FROM sources_citation c LEFT JOIN deals_deal d ON d.id = c.deal_id "
    "WHERE c.deal_id IS NOT NULL AND d.id IS NULL",
    "deals citing nothing": "SELECT COUNT(*) FROM deals_deal d WHERE NOT EXISTS (SELECT 1 FROM sources_citation c WHERE c.deal_id = d.id)",
    "systems without a deal": "SELECT COUNT(*) FROM systems_system s WHERE NOT EXISTS (SELECT 1 FROM deals_deal d WHERE d.system_id = s.id)",
    "actors in no deal": "SELECT COUNT(*) FROM actors_actor a WHERE NOT EXISTS "
    "(SELECT 1 FROM deals_deal d WHERE d.supplier_id = a.id OR d.recipient_id = a.id)",
    "creation history of deals that do not exist": "SELECT COUNT(*) FROM deals_historicaldeal h WHERE h.history_type = '+' "
    "AND NOT EXISTS (SELECT 1 FROM deals_deal d WHERE d.id = h.id)",
}


def scalar(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()[0]


def shape(cursor) -> dict:
    """Row counts of every table an import writes (history included) and of the rows it could leave orphaned."""
    return {
        **{table: scalar(cursor, f"SELECT COUNT(*) FROM {table}") for table in TABLES},
        **{what: scalar(cursor, sql) for what, sql in LEFTOVERS.items()},
    }


def deal_facts(cursor) -> list[tuple]:
    """Every deal with its deliveries and citations, by value rather than id, so two databases compare."""
    grouped = {}
    for sql in (DELIVERIES, CITATIONS):
        cursor.execute(sql)
        rows = defaultdict(list)
        for deal_id, *values in cursor.fetchall():
            rows[deal_id].append(tuple(values))
        grouped[sql] = rows
    cursor.execute(DEAL_FACTS)
    return sorted(
        (
            tuple(values),
            tuple(sorted(grouped[DELIVERIES][pk], key=repr)),
            tuple(sorted(grouped[CITATIONS][pk], key=repr)),
        )
        for pk, *values in cursor.fetchall()
    )


class PostgresTarget:
    """The test database itself, committed (`committed_db`), so the import's own process sees its seed."""

    def __init__(self):
        parts = urlsplit(os.environ["DATABASE_URL"])
        self.url = urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))

    def cursor(self):
        return connection.cursor()

    def reset(self):
        call_command("flush", interactive=False, verbosity=0)
        call_command("seed", verbosity=0)

    def wait_for_the_killed_backend(self):
        """The server ends the killed client's session (and rolls its transaction back) once it sees the socket
        closed; until then that session still holds its locks."""
        deadline = time.monotonic() + WAIT
        with connection.cursor() as cursor:
            while scalar(cursor, f"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '{APP_NAME}'"):
                assert time.monotonic() < deadline, "the killed import's session did not end"
                time.sleep(0.1)


class SqliteTarget:
    """A file copy of the suite's migrated and seeded database, which lives in memory, out of reach of another
    process. Copying the file again gives an empty database again."""

    def __init__(self, folder: Path):
        self.path = folder / "dealgraph.sqlite3"
        self.template = folder / "seeded.sqlite3"
        self.url = f"sqlite:///{self.path}"
        connection.ensure_connection()
        with closing(sqlite3.connect(self.template)) as copy:
            connection.connection.backup(copy)
        self.reset()

    @contextmanager
    def cursor(self):
        # Opening the file rolls back the journal a killed writer left, as any next connection would.
        database = sqlite3.connect(self.path)
        try:
            yield database.cursor()
        finally:
            database.close()

    def reset(self):
        shutil.copyfile(self.template, self.path)

    def wait_for_the_killed_backend(self):
        pass


def run_manage(args: list[str], url: str, *, pty_output: bool = False, **kwargs):
    env = {**os.environ, "DATABASE_URL": url, "PGAPPNAME": APP_NAME}
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    if pty_output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, **kwargs)
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=WAIT * 2)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def target(committed_db, tmp_path):
    """Where the import runs. The database is committed on either backend: on PostgreSQL the import's process
    reads it, and on SQLite it is copied from it."""
    if not CLASSIC_FILE.exists():
        pytest.skip(f"The real SIPRI export is not at {CLASSIC_FILE}: ../shared/data/sipri is missing.")
    vendor = connection.vendor
    if vendor == "postgresql":
        return PostgresTarget()
    if vendor == "sqlite":
        return SqliteTarget(tmp_path)
    pytest.skip(f"No way to share a {vendor} test database with another process here.")


def kill_while_writing(url: str) -> None:
    """Run the import on a terminal, so it draws its progress bar, and SIGKILL it as soon as the bar reaches
    the write phase: its deals are written by then, its deliveries and citations not yet, nothing committed."""
    controller, terminal = pty.openpty()
    process = run_manage(["import_sipri", str(CLASSIC_FILE)], url, pty_output=True, stdout=terminal, stderr=terminal)
    os.close(terminal)
    seen, deadline = b"", time.monotonic() + WAIT
    try:
        while b"writing" not in seen and process.poll() is None and time.monotonic() < deadline:
            if select.select([controller], [], [], 0.2)[0]:
                try:
                    seen += os.read(controller, 4096)
                except OSError:  # the terminal closes when the process ends
                    break
        process.send_signal(signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(controller)
    assert b"writing" in seen, f"the import never reached its write phase: {seen[-500:]!r}"
    assert process.returncode == -signal.SIGKILL, f"the import ended by itself first ({process.returncode})"


def test_a_killed_import_leaves_nothing_and_a_rerun_finishes_it(target):
    with target.cursor() as cursor:
        before, seeded = shape(cursor), deal_facts(cursor)

    started = time.monotonic()
    kill_while_writing(target.url)
    killed_after = time.monotonic() - started
    target.wait_for_the_killed_backend()
    with target.cursor() as cursor:
        assert shape(cursor) == before, "a killed import left rows behind"
        assert deal_facts(cursor) == seeded, "a killed import changed the seed's deals"
    assert before["deliveries without their deal"] == before["citations without their deal"] == 0

    rerun = run_manage(["import_sipri", str(CLASSIC_FILE)], target.url)
    assert "rows skipped" in rerun.stdout and "\r" not in rerun.stdout
    with target.cursor() as cursor:
        after_rerun, rerun_facts = shape(cursor), deal_facts(cursor)

    target.reset()
    uninterrupted = run_manage(["import_sipri", str(CLASSIC_FILE)], target.url)
    with target.cursor() as cursor:
        assert shape(cursor) == after_rerun
        assert deal_facts(cursor) == rerun_facts
    # The same summary: the killed run had counted for nothing.
    assert uninterrupted.stdout.splitlines()[1:] == rerun.stdout.splitlines()[1:]
    assert after_rerun[Deal._meta.db_table] > before[Deal._meta.db_table] + 28000
    assert killed_after < WAIT
