"""Statistics: SIPRI-style totals of deliveries and orders over any deal filter, grouped by party, system,
category or year.

Every table is one GROUP BY. Delivery tables read stats.DeliveryFact (each delivery beside its deal's parties,
system and category, kept by triggers) and narrow it to the filtered deals only when the caller filtered them; order
tables read the deals themselves. bench/floor.py runs the same GROUP BY over deals joined to deliveries, by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Expression,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Greatest

from actors.models import Actor, Membership
from actors.selectors import member_in_year, region_groups, subregion_groups
from deals.models import MAX_YEAR, MIN_YEAR, Deal, Delivery, can_see_drafts
from systems.models import Category, System

from .models import DeliveryFact

TIV_PLACES = Decimal("0.001")
# Sums of many deals' TIVs outgrow a single deal's 14 digits; on SQLite, Django rounds a sum to its field's digits.
TIV_SUM = DecimalField(max_digits=24, decimal_places=3)
MEASURES = ("tiv", "units", "deals")


@dataclass(frozen=True)
class Dimension:
    """One way to group: `path` leads from a row to the grouped value and `sort` to what ordering by it sorts on
    (a name, not an id); `model` shows the value in its brief form (None: as it is, e.g. a year)."""

    name: str
    path: str
    sort: str
    model: type | None
    help_text: str
    # For a region: the groups that count as regions (a queryset of them); `path` then leads to the party's
    # memberships, and the row groups by the one of those groups the party belongs to.
    regions: Callable[[], QuerySet] | None = None

    def joined(self, queryset: QuerySet, *, join: bool = True) -> tuple[QuerySet, Expression, Expression]:
        """The queryset with whatever this dimension needs joined, the value it groups by and what it sorts by."""
        if self.regions is None:
            return queryset, F(self.path), F(self.sort)
        ids = list(self.regions().values_list("id", flat=True))
        party = self.path.split("__")[0]
        memberships = Membership.objects.filter(group__in=ids)
        # Sorting by the region's name looks it up per row (a join for it trips SQLite's join order); rarely asked.
        named = memberships.filter(member=OuterRef(OuterRef(f"{party}_id"))).values("group_id")[:1]
        name = Subquery(Actor.objects.filter(pk=Subquery(named)).values("name")[:1])
        if join:
            # A LEFT JOIN to the party's membership of a region (a state lies in one): 137 ms for five years of
            # deliveries by recipient region at one million deals, where a look-up per row took 663 ms.
            link = f"{self.name}_link"
            condition = Q(**{f"{self.path}__group__in": ids})
            queryset = queryset.alias(**{link: FilteredRelation(self.path, condition=condition)})
            return queryset, F(f"{link}__group_id"), name
        # A second region in the same table (regions of both sides) is looked up per row: SQLite cannot order two
        # such joins through the same table.
        region = memberships.filter(member=OuterRef(f"{party}_id")).values("group_id")[:1]
        return queryset, Subquery(region), name


@dataclass(frozen=True)
class Measure:
    """What a table counts, over which rows: delivery facts by delivery year, or deals by order year."""

    name: str
    sums: dict
    dimensions: dict
    help_text: str


def _dimensions(category: str, year_help: str) -> dict[str, Dimension]:
    return {
        d.name: d
        for d in (
            Dimension("supplier", "supplier_id", "supplier__name", Actor, "The supplier, in its brief form."),
            Dimension("recipient", "recipient_id", "recipient__name", Actor, "The recipient, in its brief form."),
            Dimension("system", "system_id", "system__designation", System, "The weapon system, in its brief form."),
            Dimension("category", f"{category}_id", f"{category}__name", Category, "SIPRI's armament category."),
            Dimension("year", "year", "year", None, year_help),
            *(
                Dimension(
                    f"{side}_{level}",
                    f"{side}__member_of",
                    "",
                    Actor,
                    f"The SIPRI {level} the {side} lies in (null: none), in its brief form.",
                    regions=regions,
                )
                for side in ("supplier", "recipient")
                for level, regions in (("region", region_groups), ("subregion", subregion_groups))
            ),
        )
    }


DELIVERIES = Measure(
    name="deliveries",
    sums={
        "tiv": Sum("tiv", output_field=TIV_SUM),
        "units": Sum("quantity"),
        "deals": Count("deal", distinct=True),
    },
    dimensions=_dimensions("category", "Delivery year."),
    help_text="SIPRI TIV delivered in the years asked for, the number delivered where known, and distinct deals.",
)
ORDERS = Measure(
    name="orders",
    sums={
        "tiv": Sum("tiv_total", output_field=TIV_SUM),
        "units": Sum("quantity_ordered"),
        "deals": Count("id"),
    },
    dimensions=_dimensions("system__category", "Order year (null: unknown)."),
    help_text="SIPRI TIV of the whole order, the number ordered where known, and deals.",
)
DIMENSIONS = {measure.name: measure.dimensions for measure in (DELIVERIES, ORDERS)}
# One or two dimensions, as in SIPRI's tables: a ranking, a time series (X by year) or a flow matrix.
MAX_DIMENSIONS = 2


def ordering_choices(measure: Measure) -> list[str]:
    names = [*MEASURES, *measure.dimensions]
    return [prefix + name for name in names for prefix in ("-", "")]


def delivery_facts(
    user, deals: QuerySet[Deal] | None = None, years=(None, None), *, groups: dict | None = None
) -> QuerySet[DeliveryFact]:
    """The deliveries the user may count in the years asked for: those of `deals` (filtered, and visible to the
    user) when the caller narrowed the deals, else every delivery of a deal the user may see, read from the facts'
    own review flag rather than through a million deals. `groups` ({"supplier": group ids, "recipient": ...})
    keeps the deliveries whose party was a member of any of those groups in the delivery's year."""
    first, last = years
    facts = DeliveryFact.objects.filter(year__gte=first or MIN_YEAR, year__lte=last or MAX_YEAR)
    grouped = False
    for side, group_ids in (groups or {}).items():
        if group_ids:
            facts = facts.filter(member_in_year(group_ids, OuterRef(f"{side}_id"), OuterRef("year")))
            grouped = True
    if not grouped:
        # Membership by year can keep a deal's later deliveries and drop its first one in the range; without it,
        # every delivery of a deal in the range is kept, and the first of them marks the deal.
        facts.first_of_deal = (
            Q(previous_year__isnull=True) | Q(previous_year__lt=first) if first else Q(previous_year__isnull=True)
        )
    if deals is not None:
        return facts.filter(deal__in=deals.order_by().values("pk"))
    return facts if can_see_drafts(user) else facts.filter(reviewed=True)


def sums(measure: Measure, source: QuerySet, dimensions: list[Dimension]) -> dict:
    """What the table sums over these rows: the measure's sums, with distinct deals counted the cheapest exact way."""
    if measure is not DELIVERIES:
        return measure.sums
    if any(d.name == "year" for d in dimensions):
        return {**measure.sums, "deals": Count("deal")}  # one delivery row per deal and year
    first_of_deal = getattr(source, "first_of_deal", None)
    if first_of_deal is not None:
        # Each deal's first delivery among the rows, counted in one pass; COUNT(DISTINCT deal) sorted each group's
        # rows: 93 of the 120 ms of five years' top importers at one million deals on PostgreSQL.
        return {**measure.sums, "deals": Count("deal", filter=first_of_deal)}
    return measure.sums


@dataclass
class Table:
    """A grouped table and its total: `rows` is a queryset of dicts, one per group, in the order asked for; `source`
    the rows it groups (delivery facts, or deals)."""

    measure: Measure
    dimensions: list[Dimension]
    rows: QuerySet
    source: QuerySet

    def total(self, rows: list[dict] | None = None, *, unallocated: bool = True) -> dict:
        """The sums over every row, read from `rows` (any of the table's grouped rows) where they carry them; for
        deliveries also the TIV no year accounts for, unless the caller shows none."""
        if rows and TOTAL + "tiv" in rows[0]:
            total = {name: rows[0][TOTAL + name] for name in self.measure.sums}
            # PostgreSQL sums integers as numeric.
            total.update({name: None if total[name] is None else int(total[name]) for name in ("units", "deals")})
        else:
            total = self.source.aggregate(**sums(self.measure, self.source, []))
        if self.measure is DELIVERIES and unallocated:
            total["unallocated_tiv"] = unallocated_tiv(self.source)
        return total


def table(source: QuerySet, measure: Measure, by: list[str], ordering: list[str] | None = None) -> Table:
    """Group the rows (delivery facts or deals, already narrowed to what the caller may count) by `by` and sum the
    measure, largest TIV first unless `ordering` says otherwise; ties fall to the group keys, so pages are stable."""
    dimensions = [measure.dimensions[name] for name in by]
    # Under their own names: `recipient` or `year` as an annotation would clash with the rows' fields.
    keys, sorts, rows, joined = {}, {}, source.order_by(), False
    for dimension in dimensions:
        rows, keys[key(dimension)], sorts[dimension.name] = dimension.joined(rows, join=not joined)
        joined = joined or dimension.regions is not None
    rows = rows.values(**keys).annotate(**sums(measure, source, dimensions))
    order = []
    for item in ordering or ["-tiv"]:
        name = item.lstrip("-")
        expression = sorts.get(name, F(name))
        order.append(expression.desc(nulls_last=True) if item.startswith("-") else expression.asc(nulls_last=True))
    order += [F(key(d)).asc(nulls_last=True) for d in dimensions]
    # Each row also says how many groups there are, so a page needs no second pass over the rows to count them.
    rows = rows.annotate(**{GROUPS: Window(GroupCount())})
    if not any(d.name == "year" for d in dimensions):
        # Each deal falls in one group, so the groups add up to the total: every row carries it (Table.total), and a
        # page needs no second pass over the rows to total them (25 of 70 ms of five years' top importers).
        rows = rows.annotate(**{TOTAL + name: Window(GroupSum(F(name))) for name in measure.sums})
    return Table(measure, dimensions, rows.order_by(*order), source)


class GroupCount(Func):
    """COUNT(*) as a window over the grouped rows: the number of groups, on every row."""

    template = "COUNT(*)"
    window_compatible = True
    output_field = IntegerField()


GROUPS = "group_count"


class GroupSum(Func):
    """SUM of a grouped row's aggregate as a window over the grouped rows: a total, on every row."""

    function = "SUM"
    window_compatible = True


TOTAL = "total_"


def key(dimension: Dimension) -> str:
    """Where a grouped row holds the dimension's value (an id or a year)."""
    return f"group_{dimension.name}"


def unallocated_tiv(facts: QuerySet[DeliveryFact]) -> Decimal | None:
    """TIV delivered by the deals of these deliveries that the sources do not split by year: for each deal with a
    delivery of unknown TIV among them, its delivered TIV less what its years do account for. Reported beside the
    tables, never spread over years by guesswork."""
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
    unsplit = facts.filter(unsplit=True).order_by().values("deal")
    found = Deal.objects.filter(pk__in=unsplit).aggregate(tiv=Sum(remainder, output_field=TIV_SUM))
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


def profile(actor: Actor, user, years: tuple, *, unallocated: bool = True) -> dict[str, dict]:
    """The actor's imports and exports from the same tables as the statistics endpoints: by delivery year, the top
    partners and the top categories, each with its total (and its unallocated TIV unless the caller shows none).
    Tables, not rows: the caller represents them."""
    sides = {}
    for side, (own, partner) in SIDES.items():
        mine = delivery_facts(user, years=years).filter(**{own: actor})
        by_year = table(mine, DELIVERIES, ["year"], ["year"])
        partners = table(mine, DELIVERIES, [partner])
        categories = table(mine, DELIVERIES, ["category"])
        top_partners = list(partners.rows[:PROFILE_TOP])
        sides[side] = {
            "total": partners.total(top_partners, unallocated=unallocated),
            "by_year": (by_year, list(by_year.rows)),
            "partners": (partners, top_partners),
            "categories": (categories, list(categories.rows[:PROFILE_TOP])),
        }
    return sides
