"""Statistics as CSV: a flat table, or for `by=X,year` SIPRI's layout (one row per X, one column per year, a total
column and a total row), each under the notice SIPRI's own downloads carry about what a TIV is."""

import csv
import io
from decimal import Decimal

from core.notice import DATA_NOTICE
from deals.export import spreadsheet_safe
from deals.models import MAX_YEAR, MIN_YEAR

from .selectors import DELIVERIES, Dimension, Table, key, tiv_text

NOTICE = {
    DELIVERIES.name: "TIV of deliveries by delivery year",
    "orders": "TIV of the whole order by order year",
}


def label(dimension: Dimension, record) -> str:
    if record is None:
        return ""
    if dimension.name == "system":
        return record.label
    return record.name


def preamble(table: Table, total: dict, query: str) -> list[list[str]]:
    lines = [
        [
            f"Dealgraph statistics: {NOTICE[table.measure.name]}, grouped by {', '.join(d.name for d in table.dimensions)}."
        ],
        ["SIPRI trend-indicator values (TIVs) are in millions: a volume index of transfers, never money."],
        [spreadsheet_safe(f"Query: {query or '(none)'}")],
    ]
    if total.get("unallocated_tiv"):
        lines.append(
            [
                f"A further {tiv_text(total['unallocated_tiv'])} TIV was delivered by these deals in these years but "
                "is not split by year in the sources, so it is in no column."
            ]
        )
    return [*lines, [DATA_NOTICE], []]


def _value(dimension: Dimension, key, records: dict):
    if dimension.model is None:
        return "" if key is None else key
    return spreadsheet_safe(label(dimension, records[dimension.name].get(key)))


def flat(table: Table, rows: list[dict], records: dict, total: dict, share) -> list[list]:
    header = [d.name.replace("_", " ").title() for d in table.dimensions] + ["TIV", "Share (%)", "Units", "Deals"]
    out = [header]
    for row in rows:
        fraction = share(row["tiv"])
        out.append(
            [_value(d, row[key(d)], records) for d in table.dimensions]
            + [
                tiv_text(row["tiv"]) or "",
                "" if fraction is None else f"{fraction * 100:.1f}",
                "" if row["units"] is None else row["units"],
                row["deals"],
            ]
        )
    out.append(
        ["Total"]
        + [""] * (len(table.dimensions) - 1)
        + [tiv_text(total["tiv"]) or "", "100.0", total["units"] or "", total["deals"]]
    )
    return out


def pivot(table: Table, rows: list[dict], records: dict, years: tuple) -> list[list]:
    """One row per value of the other dimension, one TIV column per year (every year of the range, so empty
    years show as empty), and totals both ways, largest total first."""
    other = next(d for d in table.dimensions if d.name != "year")
    year_key = key(next(d for d in table.dimensions if d.name == "year"))
    cells: dict = {}
    for row in rows:
        cells.setdefault(row[key(other)], {})[row[year_key]] = row["tiv"]
    seen = [row[year_key] for row in rows if row[year_key] is not None]
    # The range asked for, within the years a deal can have, else the years there are.
    first = max(years[0], MIN_YEAR) if years[0] else min(seen, default=None)
    last = min(years[1], MAX_YEAR) if years[1] else max(seen, default=None)
    columns = list(range(first, last + 1)) if first is not None and last is not None else []
    unknown = any(row[year_key] is None for row in rows)
    year_columns = columns + ([None] if unknown else [])

    def sum_of(values) -> Decimal | None:
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None

    totals = {value: sum_of(by_year.values()) for value, by_year in cells.items()}
    order = sorted(cells, key=lambda v: (-(totals[v] or 0), _value(other, v, records) if v else ""))
    out = [
        [
            other.name.replace("_", " ").title(),
            *[str(year) for year in columns],
            *(["Unknown year"] if unknown else []),
            "Total",
        ]
    ]
    for value in order:
        out.append(
            [_value(other, value, records)]
            + [tiv_text(cells[value].get(year)) or "" for year in year_columns]
            + [tiv_text(totals[value]) or ""]
        )
    by_year = [sum_of(cells[value].get(year) for value in cells) for year in year_columns]
    out.append(["Total", *[tiv_text(v) or "" for v in by_year], tiv_text(sum_of(totals.values())) or ""])
    return out


def write(lines: list[list]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    return buffer.getvalue()
