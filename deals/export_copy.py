"""The CSV export rendered by PostgreSQL itself (COPY ... TO STDOUT), from the table of columns in deals/export.py.

PostgreSQL renders the rows and the app only relays them: 57,208 rows/s, where the row-by-row export managed 1,723
(docs/performance.md). Each column's SQL writes the cell its Python value writes; tests/test_export_copy.py checks
that both paths write the same bytes on data that gives every column two values. This path serves PostgreSQL when the
deals are ordered by id; anything else takes the row-by-row writer (deals/export.py).
"""

import csv
import io
import time
from collections.abc import Iterator

from django.db import connections
from django.db.models import QuerySet

from core.db import key_query

from .export import COLUMNS, FROM, HEADER, MANY, spreadsheet_safe_sql

# One socket write per 1,000 rows: a write per row cost 9 µs a row locally, half of a row's 17 µs at 57,208 rows/s.
ROWS_PER_CHUNK = 1000


def id_direction(queryset) -> str | None:
    """ASC or DESC when the queryset is ordered by id alone (or not at all); None for any other ordering."""
    query = queryset.query
    order = tuple(query.order_by) or (tuple(queryset.model._meta.ordering) if query.default_ordering else ())
    if query.extra_order_by or not all(isinstance(item, str) for item in order):
        return None
    return {(): "ASC", ("id",): "ASC", ("pk",): "ASC", ("-id",): "DESC", ("-pk",): "DESC"}.get(order)


def available(queryset: QuerySet) -> bool:
    return (
        connections[queryset.db].vendor == "postgresql"
        and id_direction(queryset) is not None
        and not queryset.query.is_sliced
    )


def _select() -> tuple[str, list]:
    """The statement's select list and FROM clause, from COLUMNS, with their parameters in placeholder order."""
    cells, params = [], []
    for index, column in enumerate(COLUMNS):
        # An aggregate is made safe where the outer select reads it, so it is neither computed nor bound twice.
        cell, times = f"m{list(MANY).index(column.over)}.c{index}" if column.over else column.sql, 1
        if column.is_text:
            cell, times = spreadsheet_safe_sql(cell)
        cells.append(cell)
        if not column.over:
            params.extend(column.params * times)
    joins = []
    # One lateral subquery per relation, so the columns over a deal's deliveries share one index scan.
    for number, (relation, rows) in enumerate(MANY.items()):
        over = [(index, column) for index, column in enumerate(COLUMNS) if column.over == relation]
        if over:
            aggregates = ",\n    ".join(f"{column.sql} AS c{index}" for index, column in over)
            joins.append(f"\nLEFT JOIN LATERAL (\n    SELECT {aggregates}\n    FROM {rows}\n) m{number} ON true")
            params.extend(param for _, column in over for param in column.params)
    select = ",\n    ".join(cells)
    return f"{select}\nFROM {FROM}{''.join(joins)}", params


def statement(queryset: QuerySet) -> tuple[str, list] | None:
    """COPY of the export's rows for the deals the queryset selects, in its order; None when it selects none."""
    keys = key_query(queryset.order_by())
    selected = None if keys is None else (keys.sql, keys.params)
    if selected is None:
        return None
    inner, inner_params = selected
    select, select_params = _select()
    sql = (
        f"COPY (SELECT {select}\n"
        f"WHERE d.id IN ({inner})\nORDER BY d.id {id_direction(queryset)}) TO STDOUT WITH (FORMAT csv)"
    )
    return sql, [*select_params, *inner_params]


def csv_lines(queryset: QuerySet) -> Iterator[bytes]:
    """The header as csv.writer writes it, then PostgreSQL's rows with csv.writer's line ending."""
    header = io.StringIO()
    csv.writer(header).writerow(HEADER)
    yield header.getvalue().encode()
    copied = statement(queryset)
    if copied is None:  # a filter no row can meet
        return
    sql, params = copied
    connection = connections[queryset.db]
    started = time.monotonic()
    with connection.cursor() as cursor:
        # The statement's cost set off JIT, which spent 8 of 9 s compiling it; jit then stays off on this connection.
        cursor.execute("SET jit = off")
        yield from _relay(cursor, sql, params)
    if connection.queries_logged:
        # COPY bypasses the cursor wrapper; log it so query counts (CaptureQueriesContext) still see it.
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _relay(cursor, sql, params) -> Iterator[bytes]:
    with cursor.cursor.copy(sql, params) as copy:
        chunk = []
        # Each read is one row; COPY ends it with \n, csv.writer with \r\n.
        while row := copy.read():
            chunk.append(bytes(row[:-1]) + b"\r\n")
            if len(chunk) == ROWS_PER_CHUNK:
                yield b"".join(chunk)
                chunk = []
        if chunk:
            yield b"".join(chunk)
