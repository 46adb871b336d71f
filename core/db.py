"""Prepared statements on PostgreSQL for queries whose plan does not depend on their parameters.

Django keeps psycopg from preparing anything (so that poolers in transaction mode keep working). For a page of
deals at one million rows, planning cost more than running: the five-way join took 1.4 ms to plan and 0.5 ms to run.
Statements whose best plan is the same for every parameter (by primary key, by indexed reference, a page in key
order) are safe to prepare; a filtered list is not (a rare recipient wants its index, the largest supplier the
primary key's order), so callers choose. PREPARED_STATEMENTS=false turns it all off.
"""
from contextlib import contextmanager
from functools import cache

from django.conf import settings

# psycopg prepares nothing while the connection's threshold is None (Django's setting), even when asked to; this
# large one lets only the statements executed with prepare=True be prepared.
EXPLICIT_ONLY = 2**31 - 1


def _enabled(connection) -> bool:
    return connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS


@cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparedCursor


def _raw(connection):
    """The connected psycopg connection, ready to prepare the statements it is asked to."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = EXPLICIT_ONLY
    return raw


def prepared_cursor(connection):
    """A Django cursor (queries logged and wrapped as usual) whose statements the server prepares and reuses."""
    if not _enabled(connection):
        return connection.cursor()
    connection.validate_thread_sharing()
    raw = _cursor_class()(_raw(connection))
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


@contextmanager
def prepared_statements(connection):
    """Within the block, the ORM's queries on this connection are prepared too."""
    if not _enabled(connection):
        yield
        return
    raw = _raw(connection)
    previous, raw.cursor_factory = raw.cursor_factory, _cursor_class()
    try:
        yield
    finally:
        raw.cursor_factory = previous
