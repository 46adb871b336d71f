"""Statistics: SIPRI-style totals of deliveries and orders over any deal filter, grouped by party, system,
category or year.

Every table is one GROUP BY over the filtered deals, joined to their deliveries for delivery statistics: the same
statement an analyst would write by hand over the two tables (bench/floor.py runs it as the floor to compare with).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from actors.models import Actor
from deals.models import MAX_YEAR, MIN_YEAR, Deal, Delivery
from systems.models import Category, System

TIV_PLACES = Decimal("0.001")
# Sums of many deals' TIVs outgrow a single deal's 14 digits; on SQLite, Django rounds a sum to its field's digits.
TIV_SUM = DecimalField(max_digits=24, decimal_places=3)
MEASURES = ("tiv", "units", "deals")


@dataclass(frozen=True)
class Dimension:
    """One way to group: `path` leads from a deal to the grouped value and `sort` to what ordering by it sorts on
    (a name, not an id); `model` shows the value in its brief form (None: as it is, e.g. a year)."""

    name: str
    path: str
    sort: str
    model: type | None
    help_text: str


@dataclass(frozen=True)
class Measure:
    """What a table counts: delivery rows by delivery year, or deals by order year."""

    name: str
    year_path: str
    sums: dict
    help_text: str


def _dimensions(year_path: str, year_help: str) -> dict[str, Dimension]:
    return {
        d.name: d
        for d in (
            Dimension("supplier", "supplier_id", "supplier__name", Actor, "The supplier, in its brief form."),
            Dimension("recipient", "recipient_id", "recipient__name", Actor, "The recipient, in its brief form."),
            Dimension("system", "system_id", "system__designation", System, "The weapon system, in its brief form."),
            Dimension("category", "system__category_id", "system__category__name", Category, "SIPRI's category."),
            Dimension("year", year_path, year_path, None, year_help),
        )
    }


DELIVERIES = Measure(
    name="deliveries",
    year_path="deliveries__year",
    sums={
        "tiv": Sum("deliveries__tiv", output_field=TIV_SUM),
        "units": Sum("deliveries__quantity"),
        "deals": Count("id", distinct=True),
    },
    help_text="SIPRI TIV delivered in the years asked for, the number delivered where known, and distinct deals.",
)
ORDERS = Measure(
    name="orders",
    year_path="year",
    sums={
        "tiv": Sum("tiv_total", output_field=TIV_SUM),
        "units": Sum("quantity_ordered"),
        "deals": Count("id"),
    },
    help_text="SIPRI TIV of the whole order, the number ordered where known, and deals.",
)
DIMENSIONS = {
    DELIVERIES.name: _dimensions("deliveries__year", "Delivery year."),
    ORDERS.name: _dimensions("year", "Order year (null: unknown)."),
}
# One or two dimensions, as in SIPRI's tables: a ranking, a time series (X by year) or a flow matrix.
MAX_DIMENSIONS = 2


def ordering_choices(measure: Measure) -> list[str]:
    names = [*MEASURES, *DIMENSIONS[measure.name]]
    return [prefix + name for name in names for prefix in ("-", "")]


@dataclass
class Table:
    """A grouped table and its total: `rows` is a queryset of dicts, one per group, in the order asked for."""

    measure: Measure
    dimensions: list[Dimension]
    rows: QuerySet
    deals: QuerySet
    years: tuple[int | None, int | None]

    def total(self) -> dict:
        total = _measured(self.deals, self.measure, self.years).aggregate(**self.measure.sums)
        if self.measure is DELIVERIES:
            total["unallocated_tiv"] = unallocated_tiv(self.deals, self.years)
        return total


def _measured(deals: QuerySet[Deal], measure: Measure, years: tuple) -> QuerySet[Deal]:
    """The rows a measure sums: each deal joined to its deliveries in the years asked for (an inner join, so a deal
    without one counts nowhere), or the deals themselves for orders."""
    if measure is not DELIVERIES:
        return deals
    first, last = years
    # In one filter() call, so the aggregates read this join rather than a second one of their own.
    return deals.filter(deliveries__year__gte=first or MIN_YEAR, deliveries__year__lte=last or MAX_YEAR)


def table(deals: QuerySet[Deal], measure: Measure, by: list[str], ordering: list[str] | None, years=(None, None)):
    """Group the deals (already filtered and visible to the caller) by `by` and sum the measure, largest TIV first
    unless `ordering` says otherwise; ties fall to the group keys, so pages are stable."""
    dimensions = [DIMENSIONS[measure.name][name] for name in by]
    # Under their own names: `recipient` or `year` as an annotation would clash with the deal's fields.
    keys = {key(d): F(d.path) for d in dimensions}
    rows = _measured(deals.order_by(), measure, years).values(**keys).annotate(**measure.sums)
    sorts = {d.name: d.sort for d in dimensions}
    order = []
    for item in ordering or ["-tiv"]:
        name = item.lstrip("-")
        expression = F(sorts.get(name, name))
        order.append(expression.desc(nulls_last=True) if item.startswith("-") else expression.asc(nulls_last=True))
    order += [F(key(d)).asc(nulls_last=True) for d in dimensions]
    return Table(measure, dimensions, rows.order_by(*order), deals, years)


def key(dimension: Dimension) -> str:
    """Where a grouped row holds the dimension's value (an id or a year)."""
    return f"group_{dimension.name}"


def unallocated_tiv(deals: QuerySet[Deal], years: tuple) -> Decimal | None:
    """TIV delivered by deals with a delivery in the years asked for whose TIV the sources do not split by year:
    each such deal's delivered TIV less what its years do account for. It is reported beside the tables, never
    spread over years by guesswork."""
    first, last = years
    unsplit = Delivery.objects.filter(
        deal=OuterRef("pk"), year__gte=first or MIN_YEAR, year__lte=last or MAX_YEAR, tiv__isnull=True
    )
    allocated = (
        Delivery.objects.filter(deal=OuterRef("pk"), tiv__isnull=False)
        .order_by()
        .values("deal")
        .annotate(tiv=Sum("tiv"))
        .values("tiv")
    )
    remainder = Greatest(
        F("tiv_delivered") - Coalesce(Subquery(allocated, output_field=TIV_SUM), Value(Decimal(0))),
        Value(Decimal(0)),
        output_field=TIV_SUM,
    )
    found = (
        deals.order_by()
        .filter(Exists(unsplit), tiv_delivered__isnull=False)
        .aggregate(tiv=Sum(remainder, output_field=TIV_SUM))
    )
    return found["tiv"]


def briefs(dimensions: list[Dimension], rows: list[dict]) -> dict[str, dict]:
    """The records each dimension's values name, one query per dimension: {dimension name: {id: record}}."""
    found = {}
    for dimension in dimensions:
        if dimension.model is None:
            continue
        ids = {row[key(dimension)] for row in rows if row[key(dimension)] is not None}
        queryset = dimension.model.objects.filter(pk__in=ids)
        if dimension.model is System:
            queryset = queryset.select_related("category")
        found[dimension.name] = {record.pk: record for record in queryset}
    return found


def share(tiv, *, total: dict) -> float | None:
    """A group's fraction of the table's total TIV, unrounded: rounding is for display (SIPRI rounds percentages
    to one decimal only when it prints them)."""
    return float(tiv / total["tiv"]) if tiv is not None and total["tiv"] else None


def tiv_text(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(TIV_PLACES))


# An actor's profile: each side of its trade, and who stands on the other side of it.
SIDES = {"imports": ("recipient", "supplier"), "exports": ("supplier", "recipient")}
PROFILE_TOP = 10


def profile(actor: Actor, deals: QuerySet[Deal], years: tuple) -> dict[str, dict]:
    """The actor's imports and exports from the same tables as the statistics endpoints: by delivery year, the top
    partners and the top categories, each with its total. Tables, not rows: the caller represents them."""
    sides = {}
    for side, (own, partner) in SIDES.items():
        mine = deals.filter(**{f"{own}_id": actor.pk})
        by_year = table(mine, DELIVERIES, ["year"], ["year"], years)
        partners = table(mine, DELIVERIES, [partner], None, years)
        categories = table(mine, DELIVERIES, ["category"], None, years)
        sides[side] = {
            "total": by_year.total(),
            "by_year": (by_year, list(by_year.rows)),
            "partners": (partners, list(partners.rows[:PROFILE_TOP])),
            "categories": (categories, list(categories.rows[:PROFILE_TOP])),
        }
    return sides
