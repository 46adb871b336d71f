"""The CSV export rendered by PostgreSQL itself (COPY ... TO STDOUT), byte for byte what deals/export.py writes.

Writing each row in Python (model instances, `deal_row`, csv.writer) tops out near 20,000 rows a second on one
core, and a bare psycopg loop formatting the same rows is not much faster; PostgreSQL renders them several times
faster, and the app only relays its rows, in constant memory. export.py stays the definition of the columns: this
path runs only while export.HEADER is the header written for it here and the ordering is by id, and
tests/test_export_copy.py checks that both paths write the same bytes. Anything else takes the Python path.
"""
import csv
import io
import time
from collections.abc import Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from . import export
from .api.rows import id_direction
from .choices import DealKind, DealStatus

# The header whose columns COLUMNS below render; if export.py changes its layout, this path turns itself off.
HEADER = [
    "Supplier", "Recipient", "Weapon designation", "Weapon description", "Armament category",
    "Year of order", "Year of order is estimate", "Number ordered", "Number ordered is estimate",
    "Number delivered", "Number delivered is estimate", "Year(s) of delivery", "Status", "Deal stage",
    "Deal kind", "Quantity as written", "Comments", "Sources", "Supplier ISO code", "Recipient ISO code",
    "Dealgraph deal id", "Review status",
    "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons", "SIPRI deal id",
    "Deliveries by year", "Deal stage code", "Deal kind code", "Supplier kind", "Recipient kind",
]
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


def _columns() -> tuple[list[str], list]:
    condition = [(str(value), label) for value, label in export.SIPRI_CONDITION.items() if label]
    condition_sql = "(CASE d.condition " + " ".join("WHEN %s THEN %s" for _ in condition) + " END)"
    condition_params = [item for pair in condition for item in pair]
    status_sql, status_params = _labels("d.status", DealStatus.choices)
    kind_sql, kind_params = _labels("d.kind", DealKind.choices)
    columns = [
        (_text("s.name"), []), (_text("r.name"), []), (_text("COALESCE(NULLIF(y.designation, ''), y.name)"), []),
        (_text("y.description"), []), (_text("c.name"), []),
        ("d.year::text", []), (_yes_no("d.year_is_estimate"), []),
        ("d.quantity_ordered::text", []), (_yes_no("d.quantity_ordered_is_estimate"), []),
        ("d.quantity_delivered::text", []), (_yes_no("d.quantity_delivered_is_estimate"), []),
        ("v.years", []), (condition_sql, condition_params), (status_sql, status_params), (kind_sql, kind_params),
        (_text("d.quantity_text"), []), (_text("d.notes"), []), ("t.labels", []),
        ("COALESCE(NULLIF(s.iso3, ''), NULLIF(s.iso_former, ''))", []),
        ("COALESCE(NULLIF(r.iso3, ''), NULLIF(r.iso_former, ''))", []),
        ("d.id::text", []), (_text("d.review_status"), []),
        ("trim_scale(d.tiv_per_unit)::text", []), ("trim_scale(d.tiv_total)::text", []),
        ("trim_scale(d.tiv_delivered)::text", []), ("d.sipri_id::text", []), ("v.by_year", []),
        (_text("d.status"), []), (_text("d.kind"), []), (_text("s.kind"), []), (_text("r.kind"), []),
    ]
    return [sql for sql, _ in columns], [p for _, params in columns for p in params]


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


def available(queryset: QuerySet) -> bool:
    connection = connections[queryset.db]
    return (
        connection.vendor == "postgresql" and export.HEADER == HEADER and id_direction(queryset) is not None
        and not queryset.query.is_sliced
    )


def statement(queryset: QuerySet) -> tuple[str, list]:
    """COPY of the export's rows for the deals the queryset selects, in its order."""
    selected = queryset.order_by().values("id")
    inner, inner_params = selected.query.sql_with_params()
    columns, column_params = _columns()
    select = ",\n    ".join(columns)
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
    try:
        sql, params = statement(queryset)
    except EmptyResultSet:  # a filter no row can meet
        return
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
