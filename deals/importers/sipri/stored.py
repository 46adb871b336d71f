"""What the database already holds that a release may touch, and how incoming deals are matched to it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from sources.choices import SourceKind, Stance
from sources.models import Citation, Source

from ...models import Deal, Delivery
from .rows import TIV_PLACES, SipriDeal

SIPRI_PUBLISHER = "Stockholm International Peace Research Institute (SIPRI)"
# The publisher of the sources a Dealgraph export is imported as; its deals are matched like SIPRI's.
DEALGRAPH_PUBLISHER = "Dealgraph"
FOREIGN = ("supplier", "recipient", "system")
# The deal fields an import writes; curators' edits to any of them are detected and kept.
MANAGED = [
    *FOREIGN,
    "year",
    "year_is_estimate",
    "kind",
    "status",
    "quantity_ordered",
    "quantity_ordered_is_estimate",
    "quantity_delivered",
    "quantity_delivered_is_estimate",
    "condition",
    "notes",
    "tiv_per_unit",
    "tiv_total",
    "tiv_delivered",
]
TIV_FIELDS = ("tiv_per_unit", "tiv_total", "tiv_delivered")
# The delivery rows count as one more managed value: [[year, year_is_estimate, quantity, quantity_is_estimate, tiv]].
DELIVERIES = "deliveries"
KEY = ("supplier", "recipient", "system", "year")


def attname(name: str) -> str:
    return f"{name}_id" if name in FOREIGN else name


def to_json(value):
    return str(value.quantize(TIV_PLACES)) if isinstance(value, Decimal) else value


def years(values: dict) -> list[int]:
    return [row[0] for row in values[DELIVERIES]]


@dataclass
class StoredDeal:
    pk: int
    sipri_id: int | None
    snapshot: dict | None
    locked: list
    span: tuple
    current: dict
    # year -> (delivery pk, year_is_estimate, quantity, quantity_is_estimate, tiv as JSON)
    deliveries: dict[int, tuple] = field(default_factory=dict)

    @property
    def reference(self) -> dict:
        """What SIPRI last said about the deal (its snapshot), else what the deal says now."""
        return {**self.current, **(self.snapshot or {})}


@dataclass
class Stored:
    by_sipri_id: dict[int, StoredDeal]
    by_key: dict[tuple, list[StoredDeal]]
    quotes: dict[int, set[str]]
    # deal pk -> (citation pk, quote, locator, hedge, hedge_text) of its citation of this release
    citations: dict[int, tuple]


def sipri_sources():
    """The releases an import wrote or found: SIPRI's, and Dealgraph exports of SIPRI's deals, so that importing
    an export twice, or a SIPRI release after an export, finds the deals again instead of duplicating them."""
    return Source.objects.filter(kind=SourceKind.DATASET, publisher__in=[SIPRI_PUBLISHER, DEALGRAPH_PUBLISHER])


def load_stored(source: Source) -> Stored:
    """Deals that cite a SIPRI release or carry a SIPRI id, read as plain values: a few queries in all."""
    cited = Citation.objects.filter(source__in=sipri_sources(), stance=Stance.SUPPORTS, deal__isnull=False)
    scope = Deal.objects.filter(Q(id__in=cited.values("deal_id")) | Q(sipri_id__isnull=False))
    columns = [attname(name) for name in MANAGED]
    deals: dict[int, StoredDeal] = {}
    for pk, sipri_id, snapshot, locked, first, last, *values in scope.order_by("id").values_list(
        "id", "sipri_id", "import_snapshot", "locked_fields", "first_delivery_year", "last_delivery_year", *columns
    ):
        current = {name: to_json(value) for name, value in zip(MANAGED, values, strict=True)}
        deals[pk] = StoredDeal(pk, sipri_id, snapshot, locked or [], (first, last), current)
    for pk, deal_id, year, *rest in Delivery.objects.filter(deal__in=scope).values_list(
        "id", "deal_id", "year", "year_is_estimate", "quantity", "quantity_is_estimate", "tiv"
    ):
        deals[deal_id].deliveries[year] = (pk, *rest[:-1], to_json(rest[-1]))
    for deal in deals.values():
        deal.current[DELIVERIES] = [[year, *deal.deliveries[year][1:]] for year in sorted(deal.deliveries)]

    stored = Stored({}, defaultdict(list), defaultdict(set), {})
    cited_ids = set()
    for pk, deal_id, source_id, *text in cited.order_by("id").values_list(
        "id", "deal_id", "source_id", "quote", "locator", "hedge", "hedge_text"
    ):
        cited_ids.add(deal_id)
        stored.quotes[deal_id].add(text[0])
        if source_id == source.pk:
            stored.citations.setdefault(deal_id, (pk, *text))
    for deal in deals.values():
        if deal.sipri_id is not None:
            stored.by_sipri_id.setdefault(deal.sipri_id, deal)
        if deal.pk in cited_ids:
            reference = deal.reference
            stored.by_key[tuple(reference[name] for name in KEY)].append(deal)
    return stored


def match(incoming: list[tuple[SipriDeal, dict]], stored: Stored) -> dict[int, StoredDeal]:
    """Pair incoming deals (by position) with stored ones: by SIPRI id, else among deals citing a SIPRI
    release by supplier, recipient, system and order year, telling look-alikes apart by ever looser likeness."""
    matches: dict[int, StoredDeal] = {}
    used: set[int] = set()
    groups: dict[tuple, list[int]] = defaultdict(list)
    for position, (sd, values) in enumerate(incoming):
        deal = stored.by_sipri_id.get(sd.sipri_id) if sd.sipri_id is not None else None
        if deal is not None and deal.pk not in used:
            matches[position] = deal
            used.add(deal.pk)
        else:
            groups[tuple(values[name] for name in KEY)].append(position)

    def likeness(sd: SipriDeal, values: dict, deal: StoredDeal) -> list[bool]:
        reference = deal.reference
        same_order = "ordered" in sd.columns and reference["quantity_ordered"] == values["quantity_ordered"]
        same_notes = "comment" in sd.columns and reference["notes"] == values["notes"]
        same_years = years(reference) == years(values)
        return [
            sd.quote in stored.quotes.get(deal.pk, ()),
            same_order and same_notes and same_years,
            same_years and reference["quantity_delivered"] == values["quantity_delivered"],
            same_order,
            True,
        ]

    for key, positions in groups.items():
        candidates = [deal for deal in stored.by_key.get(key, []) if deal.pk not in used]
        if not candidates:
            continue
        # A deal SIPRI numbered is never taken for a differently numbered one.
        scores = {
            (position, deal.pk): likeness(*incoming[position], deal)
            for position in positions
            for deal in candidates
            if incoming[position][0].sipri_id is None or deal.sipri_id is None
        }
        for level in range(5):
            for position in positions:
                if position in matches:
                    continue
                for deal in candidates:
                    score = scores.get((position, deal.pk))
                    if deal.pk not in used and score and score[level]:
                        matches[position] = deal
                        used.add(deal.pk)
                        break
    return matches


def match_renamed(
    incoming: list[tuple[SipriDeal, dict]],
    stored: Stored,
    matches: dict[int, StoredDeal],
    *,
    year_range: tuple,
    category_of_incoming,
    category_of_system,
) -> dict[int, StoredDeal]:
    """A second chance for deals whose designation SIPRI renamed between releases ("IA-58A Pucara" became
    "Pucara"): same supplier, recipient, order year and armament category, the same delivery years within this
    release's range, and the same number delivered, when exactly one stored and one incoming deal fit."""
    used = {deal.pk for deal in matches.values()}
    start, end = year_range
    pool: dict[tuple, list[StoredDeal]] = defaultdict(list)
    for deals in stored.by_key.values():
        for deal in deals:
            if deal.pk not in used:
                reference = deal.reference
                pool[(reference["supplier"], reference["recipient"], reference["year"])].append(deal)
    fits: dict[int, list[StoredDeal]] = defaultdict(list)
    suitors: dict[int, int] = defaultdict(int)
    for position, (sd, values) in enumerate(incoming):
        if position in matches or not values[DELIVERIES]:
            continue
        category = category_of_incoming(position)
        for deal in pool.get((values["supplier"], values["recipient"], values["year"]), []):
            if sd.sipri_id is not None and deal.sipri_id is not None:
                continue
            reference = deal.reference
            all_years = years(reference)
            in_range = [year for year in all_years if start is None or start <= year <= end]
            if in_range != years(values) or category_of_system(reference["system"]) != category:
                continue
            if len(in_range) == len(all_years) and reference["quantity_delivered"] != values["quantity_delivered"]:
                continue
            fits[position].append(deal)
            suitors[deal.pk] += 1
    return {position: deals[0] for position, deals in fits.items() if len(deals) == 1 and suitors[deals[0].pk] == 1}
