"""The CSV export rendered by PostgreSQL itself (COPY ... TO STDOUT), byte for byte what deals/export.py writes.

Writing each row in Python (model instances, `deal_row`, csv.writer) tops out near 20,000 rows a second on one
core, and a bare psycopg loop formatting the same rows is not much faster; PostgreSQL renders them several times
faster, and the app only relays its rows, in constant memory. export.py stays the definition of the columns: this
path runs only while export.HEADER names exactly the columns written here and the ordering is by id, and
tests/test_export_copy.py checks that both paths write the same bytes. Anything else takes the Python path.
"""
import csv
import io
import time
from collections.abc import Iterator

from django.db import connections
from django.db.models import QuerySet

from . import export
from core.api.representations import key_query
from .choices import DealKind, DealStatus

ROWS_PER_CHUNK = 1000


def _text(expression: str) -> str:
    # An empty string must come out unquoted, as csv.writer writes it; COPY quotes empty strings (not NULLs).
    return f"NULLIF({expression}, '')"


def _yes_no(expression: str) -> str:
    return f"CASE WHEN {expression} THEN 'Yes' ELSE 'No' END"


def _labels(column: str, choices) -> tuple[str, list]:
    """get_FOO_display(): the label of a stored value, or the value itself when it is not a choice."""
    whens = " ".join("WHEN %s THEN %s" for _ in choices)
    params = [item for value, label in choices for item in (str(value), str(label))]
    return f"(CASE {column} {whens} ELSE {column} END)", params


def _columns() -> list[tuple[str, str, list]]:
    """(export header, SQL, parameters) for each column, in the order the rows list them. Named by export.HEADER's
    own titles, so if export.py changes its layout this no longer matches it and the COPY path turns itself off."""
    condition = [(str(value), label) for value, label in export.SIPRI_CONDITION.items() if label]
    condition_sql = "(CASE d.condition " + " ".join("WHEN %s THEN %s" for _ in condition) + " END)"
    condition_params = [item for pair in condition for item in pair]
    status_sql, status_params = _labels("d.status", DealStatus.choices)
    kind_sql, kind_params = _labels("d.kind", DealKind.choices)
    return [
        ("Supplier", _text("s.name"), []), ("Recipient", _text("r.name"), []),
        ("Weapon designation", _text("COALESCE(NULLIF(y.designation, ''), y.name)"), []),
        ("Weapon description", _text("y.description"), []), ("Armament category", _text("c.name"), []),
        ("Year of order", "d.year::text", []), ("Year of order is estimate", _yes_no("d.year_is_estimate"), []),
        ("Number ordered", "d.quantity_ordered::text", []),
        ("Number ordered is estimate", _yes_no("d.quantity_ordered_is_estimate"), []),
        ("Number delivered", "d.quantity_delivered::text", []),
        ("Number delivered is estimate", _yes_no("d.quantity_delivered_is_estimate"), []),
        ("Year(s) of delivery", "v.years", []), ("Status", condition_sql, condition_params),
        ("Deal stage", status_sql, status_params), ("Deal kind", kind_sql, kind_params),
        ("Quantity as written", _text("d.quantity_text"), []), ("Comments", _text("d.notes"), []),
        ("Sources", "t.labels", []),
        ("Supplier ISO code", "COALESCE(NULLIF(s.iso3, ''), NULLIF(s.iso_former, ''))", []),
        ("Recipient ISO code", "COALESCE(NULLIF(r.iso3, ''), NULLIF(r.iso_former, ''))", []),
        ("Dealgraph deal id", "d.id::text", []), ("Review status", _text("d.review_status"), []),
        ("SIPRI TIV per unit", "trim_scale(d.tiv_per_unit)::text", []),
        ("SIPRI TIV for total order", "trim_scale(d.tiv_total)::text", []),
        ("SIPRI TIV of delivered weapons", "trim_scale(d.tiv_delivered)::text", []),
        ("SIPRI deal id", "d.sipri_id::text", []), ("Deliveries by year", "v.by_year", []),
        ("Deal stage code", _text("d.status"), []), ("Deal kind code", _text("d.kind"), []),
        ("Supplier kind", _text("s.kind"), []), ("Recipient kind", _text("r.kind"), []),
    ]


# Deliveries and supporting sources, one index scan each per deal, in the order deal_row lists them.
LATERALS = """
    LEFT JOIN LATERAL (
        SELECT string_agg(x.year::text, '; ' ORDER BY x.year) AS years,
               string_agg(x.year::text || CASE WHEN x.year_is_estimate THEN '?' ELSE '' END
                          || CASE WHEN x.quantity IS NOT NULL OR x.quantity_is_estimate
                                  THEN ':' || COALESCE(x.quantity::text, '')
                                       || CASE WHEN x.quantity_is_estimate THEN '?' ELSE '' END
                                  ELSE '' END,
                          '; ' ORDER BY x.year) AS by_year
        FROM deals_delivery x WHERE x.deal_id = d.id
    ) v ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(
                   o.title
                   || CASE WHEN o.publisher <> '' OR o.published_on IS NOT NULL
                           THEN ' (' || concat_ws(', ', NULLIF(o.publisher, ''), to_char(o.published_on, 'YYYY-MM-DD'))
                                || ')'
                           ELSE '' END
                   || CASE WHEN z.locator <> '' THEN ' [' || z.locator || ']' ELSE '' END
                   || CASE WHEN o.url <> '' THEN ' <' || o.url || '>' ELSE '' END,
                   ' | ' ORDER BY z.id) AS labels
        FROM sources_citation z JOIN sources_source o ON o.id = z.source_id
        WHERE z.deal_id = d.id AND z.stance = 'supports'
    ) t ON true"""


def id_direction(queryset) -> str | None:
    """ASC or DESC when the queryset is ordered by id alone (or not at all); None for any other ordering."""
    query = queryset.query
    order = tuple(query.order_by) or (tuple(queryset.model._meta.ordering) if query.default_ordering else ())
    if query.extra_order_by or not all(isinstance(item, str) for item in order):
        return None
    return {(): "ASC", ("id",): "ASC", ("pk",): "ASC", ("-id",): "DESC", ("-pk",): "DESC"}.get(order)


def available(queryset: QuerySet) -> bool:
    connection = connections[queryset.db]
    return (
        connection.vendor == "postgresql" and [column[0] for column in _columns()] == export.HEADER
        and id_direction(queryset) is not None
        and not queryset.query.is_sliced
    )


def statement(queryset: QuerySet) -> tuple[str, list] | None:
    """COPY of the export's rows for the deals the queryset selects, in its order; None when it selects none."""
    keys = key_query(queryset.order_by())
    selected = None if keys is None else (keys.sql, keys.params)
    if selected is None:
        return None
    inner, inner_params = selected
    columns = _columns()
    select = ",\n    ".join(sql for _, sql, _ in columns)
    column_params = [param for _, _, params in columns for param in params]
    sql = (
        f"COPY (SELECT {select}\n"
        "FROM deals_deal d JOIN actors_actor s ON s.id = d.supplier_id JOIN actors_actor r ON r.id = d.recipient_id\n"
        "JOIN systems_system y ON y.id = d.system_id JOIN systems_category c ON c.id = y.category_id"
        f"{LATERALS}\n"
        f"WHERE d.id IN ({inner})\nORDER BY d.id {id_direction(queryset)}) TO STDOUT WITH (FORMAT csv)"
    )
    return sql, [*column_params, *inner_params]


def csv_lines(queryset: QuerySet) -> Iterator[bytes]:
    """The header as csv.writer writes it, then PostgreSQL's rows with csv.writer's line ending."""
    header = io.StringIO()
    csv.writer(header).writerow(export.HEADER)
    yield header.getvalue().encode()
    copied = statement(queryset)
    if copied is None:  # a filter no row can meet
        return
    sql, params = copied
    connection = connections[queryset.db]
    started = time.monotonic()
    with connection.cursor() as cursor:
        # The statement's estimated cost sets off PostgreSQL's JIT, which spent 8 of 9 seconds compiling it;
        # the setting stays with this connection, where no later query needs JIT either.
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
