"""Fast inserts for the importer's big tables and their history: COPY on PostgreSQL, multi-row INSERTs elsewhere.

Django's bulk_create spent most of a full-register import composing SQL (and on SQLite caps a statement at
999 parameters, about 25 deals); psycopg's client-side binding of one huge INSERT was slower still. These
helpers take plain dicts and convert only the values a driver cannot take as they are (dates, UUIDs, JSON),
each the way the field itself would.
"""
import sqlite3

from django.db import connection
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

POSTGRES_MAX_PARAMS = 65535
FALLBACK_MAX_PARAMS = 999
MAX_ROWS_PER_STATEMENT = 2000


def _max_params() -> int:
    if connection.vendor == "postgresql":
        return POSTGRES_MAX_PARAMS
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else FALLBACK_MAX_PARAMS
    return connection.features.max_query_params or FALLBACK_MAX_PARAMS


def _converter(field):
    """A function turning a Python value into what the driver takes, or None where it takes it as it is."""
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField"):
        # The same timestamps recur on every row: convert each distinct one once.
        cache = {}

        def convert(value):
            if value not in cache:
                cache[value] = field.get_db_prep_save(value, connection)
            return cache[value]
        return convert
    if kind == "UUIDField":
        return None if connection.features.has_native_uuid_field else (lambda value: value and value.hex)
    if kind == "JSONField":
        return lambda value: None if value is None else connection.ops.adapt_json_value(value, field.encoder)
    if kind == "DecimalField":
        return lambda value: connection.ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
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
    quote = connection.ops.quote_name
    pk = model._meta.pk
    keys = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, len(rows)],
            )
            keys = sorted(row[0] for row in cursor.fetchall())
            fields = [pk, *fields]
            rows = [(key, *row) for key, row in zip(keys, rows)]
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in _converted(fields, rows):
                copy.write_row(row)
    return keys


def insert_rows(model, fields: list, rows: list[tuple], *, returning: bool) -> list:
    """Insert tuples of Python values for `fields`; the new primary keys, in order, when asked."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        return _copy_rows(model, fields, rows, returning=returning)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    per_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, min(MAX_ROWS_PER_STATEMENT, _max_params() // len(fields)))
    keys = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
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
    quote = connection.ops.quote_name
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    pk = model._meta.pk
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    rows = [(*(getattr(obj, field.attname) for field in fields), obj.pk) for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(_converted([*fields, pk], rows)))


def record_history(model, rows: list, *, history_type: str, change_reason: str) -> None:
    """One history entry per row (a dict of attnames or an instance), as simple_history would write it:
    "+" for created, "~" for changed."""
    if not rows:
        return
    history = get_history_manager_for_model(model).model
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    special = {
        "history_date": timezone.now(), "history_change_reason": change_reason, "history_type": history_type,
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
    for row, pk in zip(rows, insert_rows(model, fields, tuples, returning=True)):
        row[model._meta.pk.attname] = pk
    record_history(model, rows, history_type="+", change_reason=change_reason)
