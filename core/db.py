"""Database plumbing shared by the read path, the SIPRI importer and the synthetic-data generator: prepared
statements, key and count queries over the ORM's compiled SQL, and bulk writers.

Prepared statements, on PostgreSQL, for queries whose plan does not depend on their parameters. Django keeps psycopg
from preparing anything (so that poolers in transaction mode keep working). For a page of deals at one million rows,
planning cost more than running: the five-way join took 1.4 ms to plan and 0.5 ms to run. Statements whose best plan
is the same for every parameter (by primary key, by indexed reference, a page in key order) are safe to prepare; a
filtered list is not (a rare recipient wants its index, the largest supplier the primary key's order), so callers
choose. PREPARED_STATEMENTS=false turns it all off. Django's own way (OPTIONS `server_side_binding` with a
`prepare_threshold`) prepares every statement a connection repeats, filtered lists included, so it is not used.
"""

import sqlite3
from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db.models.expressions import Col
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

# psycopg prepares nothing while the connection's threshold is None (Django's setting), even when asked to; this
# large one lets only the statements executed with prepare=True be prepared.
EXPLICIT_ONLY = 2**31 - 1


def _enabled(connection) -> bool:
    return connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS


@cache
def _cursor_class():
    # Imported when first needed: the PostgreSQL backend loads psycopg, which a SQLite-only install never uses.
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


# --- key and count queries over the ORM's compiled SQL ----------------------------------------------------------


class KeyQuery:
    """The SQL selecting a queryset's keys with its filters and ordering, and its parameters; `order` is its ORDER
    BY when that names only the table's own columns (so the page query can repeat it), else None."""

    def __init__(self, sql, params, order, tail):
        self.sql, self.params, self.order, self.tail = sql, params, order, tail

    def sliced(self, query, connection) -> "KeyQuery":
        limits = connection.ops.limit_offset_sql(query.low_mark, query.high_mark)
        return KeyQuery(f"{self.sql} {limits}", self.params, self.order, None)

    def counting(self) -> tuple[str, tuple] | None:
        """SELECT COUNT(*) over the key query without its ordering: Django's count() rebuilds the query as an
        aggregation, which was a sixth of a filtered page's CPU time."""
        if self.tail is None or not self.sql.endswith(self.tail):
            return None
        return f"SELECT COUNT(*) FROM ({self.sql[: len(self.sql) - len(self.tail)]}) counted", self.params


def key_query(queryset) -> KeyQuery | None:
    """None when the filters can match no row (the ORM answers those without a query)."""
    compiler = queryset.values("pk").query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    table = queryset.model._meta.db_table
    terms, own, plain = [], True, not queryset.query.is_sliced
    for expression, (term, term_params, _) in compiler.get_order_by():
        columns = [c for c in expression.flatten() if isinstance(c, Col)]
        own = own and bool(columns) and all(c.alias == table for c in columns) and not term_params
        plain = plain and not term_params
        terms.append(term)
    # Django writes the ordering last, as " ORDER BY " and its terms, before any LIMIT.
    tail = (f" ORDER BY {', '.join(terms)}" if terms else "") if plain else None
    return KeyQuery(sql, params, ", ".join(terms) if own else None, tail)


# --- bulk writers ---------------------------------------------------------------------------------------------
# Fast inserts for the importer's big tables and their history: COPY on PostgreSQL, multi-row INSERTs elsewhere.
#
# Django's bulk_create spent most of a full-register import composing SQL (and on SQLite caps a statement at
# 999 parameters, about 25 deals); psycopg's client-side binding of one huge INSERT was slower still. These
# helpers take plain dicts and convert only the values a driver cannot take as they are (dates, UUIDs, JSON),
# each the way the field itself would.

POSTGRES_MAX_PARAMS = 65535
FALLBACK_MAX_PARAMS = 999
MAX_ROWS_PER_STATEMENT = 2000


def _max_params() -> int:
    if default_connection.vendor == "postgresql":
        return POSTGRES_MAX_PARAMS
    if default_connection.vendor == "sqlite":
        default_connection.ensure_connection()
        getlimit = getattr(default_connection.connection, "getlimit", None)  # Python 3.11+
        return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else FALLBACK_MAX_PARAMS
    return default_connection.features.max_query_params or FALLBACK_MAX_PARAMS


def _converter(field):
    """A function turning a Python value into what the driver takes, or None where it takes it as it is."""
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField"):
        # The same timestamps recur on every row: convert each distinct one once.
        cache = {}

        def convert(value):
            if value not in cache:
                cache[value] = field.get_db_prep_save(value, default_connection)
            return cache[value]

        return convert
    if kind == "UUIDField":
        return None if default_connection.features.has_native_uuid_field else (lambda value: value and value.hex)
    if kind == "JSONField":
        return lambda value: None if value is None else default_connection.ops.adapt_json_value(value, field.encoder)
    if kind == "DecimalField":
        return lambda value: default_connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    if kind in ("CharField", "TextField", "SlugField"):
        # Choices are str enums, and a driver may dump an enum by its name: pass plain text.
        return lambda value: value if value is None or type(value) is str else str(value)
    return None


def _converted(fields: list, rows: list[tuple]):
    converters = [(i, convert) for i, field in enumerate(fields) if (convert := _converter(field))]
    for row in rows:
        row = list(row)
        for i, convert in converters:
            row[i] = convert(row[i])
        yield row


def _copy_rows(model, fields: list, rows: list[tuple], *, returning: bool) -> list:
    """PostgreSQL: take the keys from the table's sequence, then stream every row through one COPY."""
    quote = default_connection.ops.quote_name
    pk = model._meta.pk
    keys = []
    with default_connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(rows)],
            )
            keys = sorted(row[0] for row in cursor.fetchall())
            fields = [pk, *fields]
            rows = [(key, *row) for key, row in zip(keys, rows, strict=True)]
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in _converted(fields, rows):
                copy.write_row(row)
    return keys


def insert_rows(model, fields: list, rows: list[tuple], *, returning: bool) -> list:
    """Insert tuples of Python values for `fields`; the new primary keys, in order, when asked."""
    if not rows:
        return []
    if default_connection.vendor == "postgresql":
        return _copy_rows(model, fields, rows, returning=returning)
    quote = default_connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    per_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(MAX_ROWS_PER_STATEMENT, _max_params() // len(fields)))
    keys = []
    with default_connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [value for row in _converted(fields, chunk) for value in row]
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([per_row] * len(chunk))}"
            cursor.execute(sql + tail, params)
            if returning:
                # Both backends return the rows of a multi-row VALUES insert in order, as bulk_create assumes.
                keys.extend(row[0] for row in cursor.fetchall())
    return keys


def update_rows(model, objs: list, attnames: list[str]) -> None:
    """Write the named fields of loaded instances back, one prepared UPDATE run for every row
    (Django's bulk_update builds a CASE expression per value, which took most of a release update)."""
    if not objs:
        return
    quote = default_connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    pk = model._meta.pk
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    rows = [(*(getattr(obj, field.attname) for field in fields), obj.pk) for obj in objs]
    with default_connection.cursor() as cursor:
        cursor.executemany(sql, list(_converted([*fields, pk], rows)))


def record_history(model, rows: list, *, history_type: str, change_reason: str) -> None:
    """One history entry per row (a dict of attnames or an instance), as simple_history would write it:
    "+" for created, "~" for changed."""
    if not rows:
        return
    history = get_history_manager_for_model(model).model
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    special = {
        "history_date": timezone.now(),
        "history_change_reason": change_reason,
        "history_type": history_type,
        "history_user_id": None,
    }
    unknown = [f.attname for f in fields if f.attname not in special and not hasattr(model, f.attname)]
    if unknown:
        raise RuntimeError(f"{history.__name__} has columns the importer cannot fill: {unknown}")
    get = dict.__getitem__ if isinstance(rows[0], dict) else getattr
    tuples = [
        tuple(special[f.attname] if f.attname in special else get(row, f.attname) for f in fields) for row in rows
    ]
    insert_rows(history, fields, tuples, returning=False)


def create_rows(model, rows: list[dict], *, change_reason: str) -> None:
    """Insert new rows given as {attname: value}, the fields' defaults filling the rest; each dict gets its new
    primary key, and each row its creation entry in the history."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    tuples = []
    for row in rows:
        for field in fields:
            if field.attname not in row:
                row[field.attname] = field.get_default()
        tuples.append(tuple(row[field.attname] for field in fields))
    for row, pk in zip(rows, insert_rows(model, fields, tuples, returning=True), strict=True):
        row[model._meta.pk.attname] = pk
    record_history(model, rows, history_type="+", change_reason=change_reason)
