"""Turn a release's raw rows into typed deals: one per classic or Dealgraph row, or per `SIPRI AT Database ID`."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from actors.choices import ActorKind

from ...choices import DealKind, DealStatus, ReviewStatus
from .reader import CLASSIC, DEALGRAPH, FormatError, RawRow, Release

# Header names as the three layouts (and their renamed variants) spell them, lower-cased.
COLUMNS = {
    "sipri at database id": "sipri_id",
    "recipient": "recipient",
    "supplier": "supplier",
    "year of order": "year",
    "order date": "year",
    "number ordered": "ordered",
    "weapon designation": "designation",
    "designation": "designation",
    "weapon description": "description",
    "description": "description",
    "armament category": "category",
    "number delivered": "delivered",
    "numbers delivered": "delivered",
    "year(s) of delivery": "delivery_years",
    "delivery year": "delivery_years",
    "status": "condition",
    "comments": "comment",
    "sipri tiv per unit": "tiv_per_unit",
    "tiv deal unit": "tiv_per_unit",
    "sipri tiv for total order": "tiv_total",
    "sipri tiv of delivered weapons": "tiv_delivered",
    "tiv delivery values": "tiv_delivered",
    "local production": "local_production",
    # The TIV of one new unit, before SIPRI's second-hand discount; kept only in the quoted row.
    "sipri estimate": "tiv_new_unit",
    # Dealgraph's export (deals/export.py) adds these so that it reads back as the same deals.
    "dealgraph deal id": "dealgraph_id",
    "sipri deal id": "sipri_id",
    "deliveries by year": "deliveries_by_year",
    "deal stage code": "status_code",
    "deal kind code": "kind_code",
    "review status": "review_status",
    "supplier kind": "supplier_kind",
    "recipient kind": "recipient_kind",
    "supplier iso code": "supplier_code",
    "recipient iso code": "recipient_code",
}
REQUIRED = {"supplier", "recipient", "year", "designation", "delivered", "delivery_years"}
TRUE_MARKS = {"?", "1", "yes", "y", "true"}
FALSE_MARKS = {"", "0", "no", "n", "false"}
CONDITIONS = {
    "new": "new",
    "second hand": "second_hand",
    "second-hand": "second_hand",
    "second hand but modernized": "second_hand_modernised",
    "second hand but modernised": "second_hand_modernised",
    "second-hand but modernized": "second_hand_modernised",
    "": "unknown",
}
YEAR_LIST = re.compile(r"^[0-9]{4}(?:\s*[;,]\s*[0-9]{4})*$")
# One item of "Deliveries by year": `2023`, `2023?`, `2023:6`, `2023?:6?`, `2023:?` (number unknown, estimated),
# and after a second colon the year's TIV: `2023:6:12.5`, `2023::0.3` (number unknown, TIV known).
DELIVERY_ITEM = re.compile(
    r"^(?P<year>[0-9]{4})(?P<year_mark>\?)?"
    r"(?::\s*(?P<quantity>[0-9]+)?\s*(?P<mark>\?)?(?::\s*(?P<tiv>[0-9]+(?:\.[0-9]+)?))?)?$"
)
# SIPRI's marks on a party's name, which the importer reads as the actor's kind.
KIND_MARKS = {ActorKind.NON_STATE_GROUP.value: "*", ActorKind.ORGANISATION.value: "**"}
UNKNOWN_PARTY = {"supplier": "unknown supplier(s)", "recipient": "unknown recipient(s)"}
TIV_PLACES = Decimal("0.001")


class RowError(ValueError):
    """A row this importer must skip; the message says why."""


@dataclass
class Delivery:
    year: int
    year_is_estimate: bool = False
    quantity: int | None = None
    quantity_is_estimate: bool = False
    # The TIV delivered that year; None where the release does not split the deal's TIV by year.
    tiv: Decimal | None = None

    def as_json(self) -> list:
        tiv = None if self.tiv is None else str(self.tiv.quantize(TIV_PLACES))
        return [self.year, self.year_is_estimate, self.quantity, self.quantity_is_estimate, tiv]


@dataclass
class SipriDeal:
    """One deal as the release states it; `columns` says which values the file has at all, so a layout
    without comments or numbers ordered never blanks what another layout filled."""

    lines: list[int]
    locator: str
    quote: str
    sipri_id: int | None
    supplier: str
    recipient: str
    designation: str
    description: str
    category: str
    year: int | None
    year_is_estimate: bool
    condition: str
    deliveries: list[Delivery]
    quantity_delivered: int | None
    quantity_delivered_is_estimate: bool
    tiv_per_unit: Decimal | None
    tiv_delivered: Decimal | None
    # The value keys this file has columns for, e.g. "ordered", "comment", "tiv_total".
    columns: frozenset = frozenset()
    quantity_ordered: int | None = None
    quantity_ordered_is_estimate: bool = False
    tiv_total: Decimal | None = None
    comment: str | None = None
    local_production: bool | None = None
    estimate_marks: list[str] = field(default_factory=list)
    # Only Dealgraph's export states these; None leaves them to the usual rules.
    kind: str | None = None
    status: str | None = None
    review_status: str | None = None
    supplier_code: str = ""
    recipient_code: str = ""


class Columns:
    """Where each value and its estimate marker sit in this file's header."""

    def __init__(self, header: list[str]):
        self.index: dict[str, int] = {}
        self.marker: dict[str, int] = {}
        previous = None
        for position, name in enumerate(header):
            key = name.strip().lower()
            if key.endswith(" is estimate"):
                target = COLUMNS.get(key.removesuffix(" is estimate").strip())
                if target:
                    self.marker[target] = position
                continue
            if key == "" or key.startswith("uncertainty flag"):
                # A blank-named or "Uncertainty flag" column flags the value just before it.
                if previous:
                    self.marker[previous] = position
                continue
            previous = COLUMNS.get(key)
            if previous and previous not in self.index:
                self.index[previous] = position
        missing = REQUIRED - set(self.index)
        if missing:
            raise FormatError(f"the header lacks the column(s) for {', '.join(sorted(missing))}")

    @property
    def keys(self) -> frozenset:
        return frozenset(self.index)

    def has(self, key: str) -> bool:
        return key in self.index

    def value(self, cells: list[str], key: str) -> str:
        position = self.index.get(key)
        return cells[position].strip() if position is not None else ""

    def flag(self, cells: list[str], key: str, marks: list[str]) -> bool:
        position = self.marker.get(key)
        raw = cells[position].strip() if position is not None else ""
        value = raw.lower()
        if value in TRUE_MARKS:
            marks.append(raw)
            return True
        if value in FALSE_MARKS:
            return False
        raise RowError(f"estimate marker {raw!r} for {key} is not one of ?, 1, 0, Yes, No")


def parse_int(raw: str, what: str, marks: list[str]) -> tuple[int | None, bool]:
    """An integer, or None for an empty cell (unknown, never zero); a trailing `?` marks an estimate."""
    raw = raw.strip()
    estimate = raw.endswith("?")
    if estimate:
        marks.append("?")
        raw = raw.rstrip("?").strip()
    if raw == "":
        return None, estimate
    if not (raw.isascii() and raw.isdigit()):
        raise RowError(f"{what} {raw!r} is not a whole number")
    return int(raw), estimate


def parse_tiv(raw: str, what: str) -> Decimal | None:
    raw = raw.strip()
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"{what} {raw!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise RowError(f"{what} {raw!r} is not a non-negative number")
    if value != value.quantize(TIV_PLACES):
        raise RowError(f"{what} {raw!r} has more than three decimals")
    return value.quantize(TIV_PLACES)


def parse_condition(raw: str) -> str:
    key = " ".join(raw.lower().split())
    if key not in CONDITIONS:
        raise RowError(f"status {raw!r} is not New, Second hand or Second hand but modernized")
    return CONDITIONS[key]


def _common(row: RawRow, columns: Columns, marks: list[str]) -> dict:
    cells = row.cells
    supplier, recipient = columns.value(cells, "supplier"), columns.value(cells, "recipient")
    designation = columns.value(cells, "designation")
    for what, value in (("supplier", supplier), ("recipient", recipient), ("designation", designation)):
        if not value:
            raise RowError(f"no {what}")
    year, year_mark = parse_int(columns.value(cells, "year"), "year of order", marks)
    delivered, delivered_mark = parse_int(columns.value(cells, "delivered"), "number delivered", marks)
    return {
        "supplier": supplier,
        "recipient": recipient,
        "designation": designation,
        "description": columns.value(cells, "description"),
        "category": columns.value(cells, "category"),
        "year": year,
        "year_is_estimate": columns.flag(cells, "year", marks) or year_mark,
        "condition": parse_condition(columns.value(cells, "condition")),
        "delivered": delivered,
        "delivered_is_estimate": columns.flag(cells, "delivered", marks) or delivered_mark,
        "tiv_per_unit": parse_tiv(columns.value(cells, "tiv_per_unit"), "TIV per unit"),
        "tiv_delivered": parse_tiv(columns.value(cells, "tiv_delivered"), "TIV delivered"),
    }


def classic_deal(row: RawRow, columns: Columns) -> SipriDeal:
    marks: list[str] = []
    common = _common(row, columns, marks)
    cells = row.cells
    years_cell = columns.value(cells, "delivery_years")
    if years_cell and not YEAR_LIST.match(years_cell):
        raise RowError(f"delivery years {years_cell!r} are not years separated by ';'")
    years = sorted({int(year) for year in re.findall(r"[0-9]{4}", years_cell)})
    delivered, delivered_estimate = common["delivered"], common["delivered_is_estimate"]
    deliveries = [Delivery(year) for year in years]
    if len(deliveries) == 1:
        # One delivery year: the number delivered, and the TIV of what was delivered, are that year's; across
        # several, the split is unknown and the deal's TIV stays unallocated rather than spread by guesswork.
        only = deliveries[0]
        only.quantity, only.quantity_is_estimate = delivered, delivered_estimate
        only.tiv = common["tiv_delivered"]
        if only.tiv is None and delivered is not None and common["tiv_per_unit"] is not None:
            only.tiv = (common["tiv_per_unit"] * delivered).quantize(TIV_PLACES)
    ordered, ordered_mark = parse_int(columns.value(cells, "ordered"), "number ordered", marks)
    return SipriDeal(
        lines=[row.line],
        locator=f"line {row.line}",
        quote=row.text,
        sipri_id=None,
        supplier=common["supplier"],
        recipient=common["recipient"],
        designation=common["designation"],
        description=common["description"],
        category=common["category"],
        year=common["year"],
        year_is_estimate=common["year_is_estimate"],
        condition=common["condition"],
        deliveries=deliveries,
        quantity_delivered=delivered,
        quantity_delivered_is_estimate=delivered_estimate,
        tiv_per_unit=common["tiv_per_unit"],
        tiv_delivered=common["tiv_delivered"],
        columns=columns.keys,
        quantity_ordered=ordered,
        quantity_ordered_is_estimate=columns.flag(cells, "ordered", marks) or ordered_mark,
        tiv_total=parse_tiv(columns.value(cells, "tiv_total"), "TIV for total order"),
        comment=columns.value(cells, "comment") if columns.has("comment") else None,
        estimate_marks=marks,
    )


def _yes_no(raw: str, what: str) -> bool | None:
    value = raw.strip().lower()
    if value in TRUE_MARKS - {"?"}:
        return True
    if value in FALSE_MARKS:
        return False if value else None
    raise RowError(f"{what} {raw!r} is not Yes or No")


# Fields every row of one per-year deal must agree on.
DEAL_LEVEL = [
    "supplier",
    "recipient",
    "designation",
    "description",
    "category",
    "year",
    "year_is_estimate",
    "condition",
    "tiv_per_unit",
    "local_production",
]


def per_year_deals(rows: list[RawRow], columns: Columns) -> tuple[list[SipriDeal], list[tuple[int, str]]]:
    """Combine the rows of each SIPRI deal id into one deal with a delivery per year."""
    groups: dict[int, list[tuple[RawRow, dict]]] = defaultdict(list)
    skipped: list[tuple[int, str]] = []
    bad_ids: dict[int, int] = {}
    for row in rows:
        raw_id = columns.value(row.cells, "sipri_id")
        if not (raw_id.isascii() and raw_id.isdigit()):
            skipped.append((row.line, f"SIPRI AT Database ID {raw_id!r} is not a number"))
            continue
        deal_id = int(raw_id)
        try:
            marks: list[str] = []
            values = _common(row, columns, marks)
            cells = row.cells
            year_cell = columns.value(cells, "delivery_years")
            if not re.fullmatch(r"[0-9]{4}", year_cell):
                raise RowError(f"delivery year {year_cell!r} is not a year")
            values["delivery"] = Delivery(
                year=int(year_cell),
                year_is_estimate=columns.flag(cells, "delivery_years", marks),
                quantity=values["delivered"],
                quantity_is_estimate=values["delivered_is_estimate"],
                tiv=values["tiv_delivered"],
            )
            values["local_production"] = _yes_no(columns.value(cells, "local_production"), "local production")
            values["marks"] = marks
        except RowError as error:
            skipped.append((row.line, str(error)))
            bad_ids.setdefault(deal_id, row.line)
            values = None
        groups[deal_id].append((row, values))

    deals = []
    for deal_id, members in groups.items():
        lines = [row.line for row, _ in members]
        if deal_id in bad_ids:
            skipped.extend(
                (row.line, f"skipped with the rest of SIPRI deal {deal_id}: line {bad_ids[deal_id]} is malformed")
                for row, values in members
                if values is not None
            )
            continue
        try:
            deals.append(_combine(deal_id, members, columns))
        except RowError as error:
            skipped.extend((line, f"SIPRI deal {deal_id}: {error}") for line in lines)
    return deals, skipped


def _combine(deal_id: int, members: list[tuple[RawRow, dict]], columns: Columns) -> SipriDeal:
    first = members[0][1]
    for row, values in members[1:]:
        for key in DEAL_LEVEL:
            if values[key] != first[key]:
                raise RowError(
                    f"its rows disagree on {key} ({first[key]!r} on one, {values[key]!r} on line {row.line})"
                )
    deliveries: dict[int, Delivery] = {}
    for _row, values in members:
        delivery = values["delivery"]
        if delivery.year in deliveries:
            raise RowError(f"delivery year {delivery.year} appears twice")
        deliveries[delivery.year] = delivery
    numbers = [values["delivered"] for _, values in members]
    values_tiv = [values["tiv_delivered"] for _, values in members]
    return SipriDeal(
        lines=[row.line for row, _ in members],
        locator=f"SIPRI deal id {deal_id}",
        quote="\n".join(row.text for row, _ in members),
        sipri_id=deal_id,
        supplier=first["supplier"],
        recipient=first["recipient"],
        designation=first["designation"],
        description=first["description"],
        category=first["category"],
        year=first["year"],
        year_is_estimate=first["year_is_estimate"],
        condition=first["condition"],
        deliveries=sorted(deliveries.values(), key=lambda d: d.year),
        quantity_delivered=None if None in numbers else sum(numbers),
        quantity_delivered_is_estimate=any(values["delivered_is_estimate"] for _, values in members),
        tiv_per_unit=first["tiv_per_unit"],
        tiv_delivered=None if None in values_tiv else sum(values_tiv, Decimal("0")).quantize(TIV_PLACES),
        local_production=first["local_production"],
        columns=columns.keys,
        estimate_marks=[mark for _, values in members for mark in values["marks"]],
    )


def parse_deliveries(raw: str, years: list[int]) -> list[Delivery]:
    """Read "Deliveries by year"; its years must be those of "Year(s) of delivery", so a hand edit to one
    column alone is a bad row rather than a silent choice between them."""
    deliveries = []
    for item in filter(None, (part.strip() for part in raw.split(";"))):
        match = DELIVERY_ITEM.match(item)
        if not match:
            raise RowError(f"deliveries by year: {item!r} is not like 2022:4, 2023?:6?, 2024:3:1.5 or 2024")
        quantity, tiv = match["quantity"], match["tiv"]
        deliveries.append(
            Delivery(
                year=int(match["year"]),
                year_is_estimate=bool(match["year_mark"]),
                quantity=None if quantity is None else int(quantity),
                quantity_is_estimate=bool(match["mark"]),
                tiv=None if tiv is None else parse_tiv(tiv, f"deliveries by year: the TIV of {match['year']}"),
            )
        )
    listed = [delivery.year for delivery in deliveries]
    if len(set(listed)) != len(listed):
        raise RowError(f"deliveries by year {raw!r} name a year twice")
    if sorted(listed) != years:
        raise RowError(f"deliveries by year {raw!r} do not have the years of delivery {years}")
    return sorted(deliveries, key=lambda delivery: delivery.year)


def parse_code(raw: str, choices, what: str) -> str | None:
    """A choice's code (`delivery_in_progress`), or None for an empty cell."""
    raw = raw.strip()
    if not raw:
        return None
    if raw not in choices.values:
        raise RowError(f"{what} {raw!r} is not one of {', '.join(choices.values)}")
    return raw


def party_name(name: str, kind: str, side: str) -> str:
    """The name as SIPRI would write it, so the importer's rules for `*`, `**` and the unknown actor apply."""
    if kind == ActorKind.UNKNOWN.value:
        return UNKNOWN_PARTY[side]
    mark = KIND_MARKS.get(kind, "")
    return name if not mark or name.endswith("*") else name + mark


def dealgraph_deal(row: RawRow, columns: Columns) -> SipriDeal:
    """A row of Dealgraph's own export: classic columns, read as such, plus the values SIPRI's layouts lack."""
    sd = classic_deal(row, columns)
    cells = row.cells
    dealgraph_id = columns.value(cells, "dealgraph_id")
    if dealgraph_id:
        sd.locator = f"line {row.line} (Dealgraph deal id {dealgraph_id})"
    if columns.has("deliveries_by_year"):
        sd.deliveries = parse_deliveries(
            columns.value(cells, "deliveries_by_year"), [delivery.year for delivery in sd.deliveries]
        )
    raw_id = columns.value(cells, "sipri_id")
    if raw_id and not (raw_id.isascii() and raw_id.isdigit()):
        raise RowError(f"SIPRI deal id {raw_id!r} is not a number")
    sd.sipri_id = int(raw_id) if raw_id else None
    sd.kind = parse_code(columns.value(cells, "kind_code"), DealKind, "deal kind code")
    sd.status = parse_code(columns.value(cells, "status_code"), DealStatus, "deal stage code")
    sd.review_status = parse_code(columns.value(cells, "review_status"), ReviewStatus, "review status")
    for side in ("supplier", "recipient"):
        kind = parse_code(columns.value(cells, f"{side}_kind"), ActorKind, f"{side} kind") or ""
        setattr(sd, side, party_name(getattr(sd, side), kind, side))
        setattr(sd, f"{side}_code", columns.value(cells, f"{side}_code").upper())
    return sd


def release_deals(release: Release) -> tuple[list[SipriDeal], list[tuple[int, str]]]:
    """Every deal the release states, and the (line, reason) of each row skipped as malformed."""
    columns = Columns(release.header)
    skipped = list(release.broken)
    if release.layout in (CLASSIC, DEALGRAPH):
        read = dealgraph_deal if release.layout == DEALGRAPH else classic_deal
        deals = []
        for row in release.rows:
            try:
                deals.append(read(row, columns))
            except RowError as error:
                skipped.append((row.line, str(error)))
        return deals, skipped
    deals, problems = per_year_deals(release.rows, columns)
    return deals, skipped + problems
