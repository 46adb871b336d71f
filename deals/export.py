"""CSV export of deals: the one table of its columns (header, cell in Python, same cell in SQL) and the row writer.

The columns are those a SIPRI trade-register user expects, then what a round trip needs. csv_lines writes them row
by row in constant memory; deals/export_copy.py builds PostgreSQL's COPY statement from the same table.
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter

from django.db.models import QuerySet

from sources.choices import Stance

from .choices import Condition, DealKind, DealStatus
from .models import Deal

# Prefetching deliveries and citations for 2,000 deals at a time: 104 queries for 100,000 rows, not 2 per deal.
CHUNK = 2000

# Where a column's SQL reads from: the deal (d) and its to-one relations, by their path from the deal.
ALIASES = {"": "d", "supplier": "s", "recipient": "r", "system": "y", "system.category": "c"}
FROM = (
    "deals_deal d JOIN actors_actor s ON s.id = d.supplier_id JOIN actors_actor r ON r.id = d.recipient_id\n"
    "JOIN systems_system y ON y.id = d.system_id JOIN systems_category c ON c.id = y.category_id"
)
# A column `over` one of these aggregates one deal's rows of it, in SQL; in Python it reads what selectors.deal_list
# prefetched, which orders deliveries by year and citations by id, as the aggregates below do.
MANY = {
    "deliveries": "deals_delivery x WHERE x.deal_id = d.id",
    "citations": "sources_citation z JOIN sources_source o ON o.id = z.source_id WHERE z.deal_id = d.id",
}


# CSV injection, as OWASP describes it: a spreadsheet runs a cell that starts with one of these as a formula, and
# quotes, notes and names come from third parties. Such a text cell is written with a leading single quote, which
# spreadsheets take to mean "text". So is one that starts with quotes and then one of these ('=1), so that taking
# one quote off every cell that starts that way (import_sipri does) gives back exactly what was stored; any other
# text is written as it is. Numbers are written as numbers: -3 is a number to a spreadsheet, not a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if isinstance(cell, str) and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def spreadsheet_unquoted(cell: str) -> str:
    """spreadsheet_safe undone."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS) else cell


QUOTE_SQL = "''''"  # a single quote, as an SQL literal


def spreadsheet_safe_sql(sql: str) -> tuple[str, int]:
    """spreadsheet_safe in SQL, and how many times `sql` (so its parameters) appears in it; NULL stays NULL. A simple
    CASE on ascii() reads the cell's first character once, without copying the text: a cell costs two evaluations
    of `sql`, where left() and ltrim() in a searched CASE slowed COPY by a third."""
    codes = [str(ord(start)) for start in FORMULA_STARTS]
    quote = str(ord("'"))
    template = (
        f"CASE ascii({{x}}) {' '.join(f'WHEN {code} THEN {QUOTE_SQL}' for code in codes)} "
        f"WHEN {quote} THEN CASE WHEN ascii(ltrim({{x}}, {QUOTE_SQL})) IN ({', '.join(codes)}) THEN {QUOTE_SQL} "
        "ELSE '' END ELSE '' END || {x}"
    )
    return template.replace("{x}", sql), template.count("{x}")


@dataclass(frozen=True)
class Column:
    """One column: `value` is its cell for a deal from selectors.deal_list; `sql` is the same cell over FROM's
    aliases, or, with `over`, an aggregate over MANY[over]; `params` are sql's %s parameters, in order. Both give
    the raw cell; the writers make a text column's cells (`is_text`) spreadsheet-safe, by the one rule above."""

    header: str
    value: Callable[[Deal], str]
    sql: str
    params: tuple[str, ...] = ()
    over: str = ""
    is_text: bool = True


def _sql_field(path: str) -> str:
    relation, _, name = path.rpartition(".")
    return f"{ALIASES[relation]}.{name}"


def _nonempty(sql: str) -> str:
    # csv.writer writes an empty string unquoted and COPY quotes one; an empty string as NULL is written unquoted.
    return f"NULLIF({sql}, '')"


def text(header: str, path: str) -> Column:
    return Column(header, attrgetter(path), _nonempty(_sql_field(path)))


def number(header: str, path: str) -> Column:
    get = attrgetter(path)
    return Column(
        header,
        lambda deal: "" if (value := get(deal)) is None else str(value),
        f"{_sql_field(path)}::text",
        is_text=False,
    )


def yes_no(header: str, path: str) -> Column:
    get = attrgetter(path)
    sql = f"CASE WHEN {_sql_field(path)} THEN 'Yes' ELSE 'No' END"
    return Column(header, lambda deal: "Yes" if get(deal) else "No", sql, is_text=False)


def tiv(header: str, path: str) -> Column:
    """SIPRI writes 13.63, not 13.630; normalize() alone would write 60 as 6E+1."""
    get = attrgetter(path)

    def value(deal: Deal) -> str:
        amount: Decimal | None = get(deal)
        return "" if amount is None else format(amount.normalize(), "f")

    return Column(header, value, f"trim_scale({_sql_field(path)})::text", is_text=False)


def label(header: str, path: str, labels: dict[str, str], unlabelled: str | None = None) -> Column:
    """A code written as its label. A code without one is written as `unlabelled`, or, when that is None, as
    itself, as get_FOO_display() does."""
    get = attrgetter(path)
    field = _sql_field(path)
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    params = tuple(item for pair in labels.items() for item in pair)
    if unlabelled is None:
        return Column(
            header,
            lambda deal: labels.get(code := get(deal), code),
            _nonempty(f"CASE {field} {whens} ELSE {field} END"),
            params,
        )
    return Column(
        header,
        lambda deal: labels.get(get(deal), unlabelled),
        _nonempty(f"CASE {field} {whens} ELSE %s END"),
        (*params, unlabelled),
    )


def iso_code(header: str, party: str) -> Column:
    """The party's alpha-3 code, else its ISO 3166-3 code as a former state."""
    get = attrgetter(party)
    alias = ALIASES[party]
    return Column(
        header,
        lambda deal: get(deal).iso3 or get(deal).iso_former or "",
        f"COALESCE(NULLIF({alias}.iso3, ''), NULLIF({alias}.iso_former, ''))",
    )


def weapon_designation(deal: Deal) -> str:
    return deal.system.designation or deal.system.name


def delivery_years(deal: Deal) -> str:
    return "; ".join(str(delivery.year) for delivery in deal.deliveries.all())


def deliveries_by_year(deal: Deal) -> str:
    """`2022:4; 2023?:6?; 2024; 2025:2:3.500`: each delivery year with its number, SIPRI's `?` on an estimate, no
    number when unknown, and after a second colon the year's TIV where known, so the yearly split survives a round
    trip that "Year(s) of delivery" alone would lose."""
    items = []
    for delivery in deal.deliveries.all():
        item = f"{delivery.year}{'?' if delivery.year_is_estimate else ''}"
        if delivery.quantity is not None or delivery.quantity_is_estimate or delivery.tiv is not None:
            quantity = "" if delivery.quantity is None else delivery.quantity
            item += f":{quantity}{'?' if delivery.quantity_is_estimate else ''}"
        if delivery.tiv is not None:
            item += f":{delivery.tiv}"
        items.append(item)
    return "; ".join(items)


DELIVERIES_BY_YEAR_SQL = """string_agg(
        x.year::text || CASE WHEN x.year_is_estimate THEN '?' ELSE '' END
        || CASE WHEN x.quantity IS NOT NULL OR x.quantity_is_estimate OR x.tiv IS NOT NULL
                THEN ':' || COALESCE(x.quantity::text, '') || CASE WHEN x.quantity_is_estimate THEN '?' ELSE '' END
                ELSE '' END
        || COALESCE(':' || x.tiv::text, ''),
        '; ' ORDER BY x.year)"""


def sources(deal: Deal) -> str:
    """The sources that support the deal, each as `title (publisher, date) [locator] <url>`."""
    cited = []
    for citation in deal.citations.all():
        if citation.stance != Stance.SUPPORTS:
            continue
        source = citation.source
        where = ", ".join(filter(None, [source.publisher, source.published_on and source.published_on.isoformat()]))
        item = f"{source.title} ({where})" if where else source.title
        if citation.locator:
            item += f" [{citation.locator}]"
        cited.append(f"{item} <{source.url}>" if source.url else item)
    return " | ".join(cited)


SOURCES_SQL = """string_agg(
        o.title
        || CASE WHEN o.publisher <> '' OR o.published_on IS NOT NULL
                THEN ' (' || concat_ws(', ', NULLIF(o.publisher, ''), to_char(o.published_on, 'YYYY-MM-DD')) || ')'
                ELSE '' END
        || CASE WHEN z.locator <> '' THEN ' [' || z.locator || ']' ELSE '' END
        || CASE WHEN o.url <> '' THEN ' <' || o.url || '>' ELSE '' END,
        ' | ' ORDER BY z.id) FILTER (WHERE z.stance = %s)"""

# SIPRI's own words for the condition, so the column reads as their "status" does.
SIPRI_CONDITION = {
    Condition.NEW: "New",
    Condition.SECOND_HAND: "Second hand",
    Condition.SECOND_HAND_MODERNISED: "Second hand but modernized",
    Condition.UNKNOWN: "",
}

COLUMNS = [
    text("Supplier", "supplier.name"),
    text("Recipient", "recipient.name"),
    Column("Weapon designation", weapon_designation, _nonempty("COALESCE(NULLIF(y.designation, ''), y.name)")),
    text("Weapon description", "system.description"),
    text("Armament category", "system.category.name"),
    number("Year of order", "year"),
    yes_no("Year of order is estimate", "year_is_estimate"),
    number("Number ordered", "quantity_ordered"),
    yes_no("Number ordered is estimate", "quantity_ordered_is_estimate"),
    number("Number delivered", "quantity_delivered"),
    yes_no("Number delivered is estimate", "quantity_delivered_is_estimate"),
    Column("Year(s) of delivery", delivery_years, "string_agg(x.year::text, '; ' ORDER BY x.year)", over="deliveries"),
    label("Status", "condition", {str(code): words for code, words in SIPRI_CONDITION.items()}, unlabelled=""),
    label("Deal stage", "status", dict(DealStatus.choices)),
    label("Deal kind", "kind", dict(DealKind.choices)),
    text("Quantity as written", "quantity_text"),
    text("Comments", "notes"),
    Column("Sources", sources, SOURCES_SQL, (Stance.SUPPORTS.value,), over="citations"),
    iso_code("Supplier ISO code", "supplier"),
    iso_code("Recipient ISO code", "recipient"),
    number("Dealgraph deal id", "id"),
    text("Review status", "review_status"),
    # What `import_sipri` needs to read an export back as the same deals (see docs/import.md, "Round trip").
    tiv("SIPRI TIV per unit", "tiv_per_unit"),
    tiv("SIPRI TIV for total order", "tiv_total"),
    tiv("SIPRI TIV of delivered weapons", "tiv_delivered"),
    number("SIPRI deal id", "sipri_id"),
    Column("Deliveries by year", deliveries_by_year, DELIVERIES_BY_YEAR_SQL, over="deliveries"),
    text("Deal stage code", "status"),
    text("Deal kind code", "kind"),
    text("Supplier kind", "supplier.kind"),
    text("Recipient kind", "recipient.kind"),
]
HEADER = [column.header for column in COLUMNS]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(deals: QuerySet[Deal]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    cells = [(column.value, column.is_text) for column in COLUMNS]
    yield writer.writerow(HEADER)
    for deal in deals.iterator(chunk_size=CHUNK):
        yield writer.writerow([spreadsheet_safe(value(deal)) if is_text else value(deal) for value, is_text in cells])
