"""CSV export of deals, with the columns a SIPRI trade-register user expects, streamed in constant memory."""
import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet

from .choices import Condition
from .models import Deal, Delivery

CHUNK = 2000

# SIPRI's own words for the condition, so the column reads as their "status" does.
SIPRI_CONDITION = {
    Condition.NEW: "New",
    Condition.SECOND_HAND: "Second hand",
    Condition.SECOND_HAND_MODERNISED: "Second hand but modernized",
    Condition.UNKNOWN: "",
}

HEADER = [
    "Supplier", "Recipient", "Weapon designation", "Weapon description", "Armament category",
    "Year of order", "Year of order is estimate", "Number ordered", "Number ordered is estimate",
    "Number delivered", "Number delivered is estimate", "Year(s) of delivery", "Status", "Deal stage",
    "Deal kind", "Quantity as written", "Comments", "Sources", "Supplier ISO code", "Recipient ISO code",
    "Dealgraph deal id", "Review status",
    # What `import_sipri` needs to read an export back as the same deals (see docs/import.md, "Round trip").
    "SIPRI TIV per unit", "SIPRI TIV for total order", "SIPRI TIV of delivered weapons", "SIPRI deal id",
    "Deliveries by year", "Deal stage code", "Deal kind code", "Supplier kind", "Recipient kind",
]


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def blank_if_none(value) -> str:
    return "" if value is None else str(value)


def tiv(value: Decimal | None) -> str:
    # SIPRI writes 13.63, not 13.630; normalize() alone would write 60 as 6E+1.
    return "" if value is None else format(value.normalize(), "f")


def estimate_mark(flag: bool) -> str:
    return "?" if flag else ""


def deliveries_by_year(deliveries: list[Delivery]) -> str:
    """`2022:4; 2023?:6?; 2024`: each delivery year with its number, SIPRI's `?` on an estimate, no number when
    unknown, so the yearly split survives a round trip that "Year(s) of delivery" alone would lose."""
    items = []
    for delivery in deliveries:
        item = f"{delivery.year}{estimate_mark(delivery.year_is_estimate)}"
        if delivery.quantity is not None or delivery.quantity_is_estimate:
            item += f":{blank_if_none(delivery.quantity)}{estimate_mark(delivery.quantity_is_estimate)}"
        items.append(item)
    return "; ".join(items)


def source_label(citation) -> str:
    source = citation.source
    where = ", ".join(filter(None, [source.publisher, source.published_on and source.published_on.isoformat()]))
    label = f"{source.title} ({where})" if where else source.title
    if citation.locator:
        label += f" [{citation.locator}]"
    return f"{label} <{source.url}>" if source.url else label


def deal_row(deal: Deal) -> list[str]:
    system = deal.system
    deliveries = list(deal.deliveries.all())
    return [
        deal.supplier.name, deal.recipient.name, system.designation or system.name, system.description,
        system.category.name, blank_if_none(deal.year), yes_no(deal.year_is_estimate),
        blank_if_none(deal.quantity_ordered), yes_no(deal.quantity_ordered_is_estimate),
        blank_if_none(deal.quantity_delivered), yes_no(deal.quantity_delivered_is_estimate),
        "; ".join(str(d.year) for d in deliveries), SIPRI_CONDITION.get(deal.condition, ""),
        deal.get_status_display(), deal.get_kind_display(), deal.quantity_text, deal.notes,
        " | ".join(source_label(c) for c in deal.citations.all() if c.stance == "supports"),
        deal.supplier.iso3 or deal.supplier.iso_former or "", deal.recipient.iso3 or deal.recipient.iso_former or "",
        str(deal.pk), deal.review_status,
        tiv(deal.tiv_per_unit), tiv(deal.tiv_total), tiv(deal.tiv_delivered), blank_if_none(deal.sipri_id),
        deliveries_by_year(deliveries), deal.status, deal.kind, deal.supplier.kind, deal.recipient.kind,
    ]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def csv_lines(deals: QuerySet[Deal]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    rows: Iterable[Deal] = deals.iterator(chunk_size=CHUNK)
    for deal in rows:
        yield writer.writerow(deal_row(deal))
