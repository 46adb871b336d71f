"""Writes to deals: every path (admin, fixtures, imports, API) goes through these."""
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Min

from core.services import InvalidItems, validate_items, validated_save

from .models import Deal, Delivery


def deal_refresh_delivery_span(*, deal: Deal) -> bool:
    """Recompute the first and last delivery years from the deal's deliveries; write only when they change.

    The span is derived from the deliveries, whose own history records the change, so this writes no history row.
    """
    span = deal.deliveries.aggregate(first=Min("year"), last=Max("year"))
    if (deal.first_delivery_year, deal.last_delivery_year) == (span["first"], span["last"]):
        return False
    deal.first_delivery_year, deal.last_delivery_year = span["first"], span["last"]
    Deal.objects.filter(pk=deal.pk).update(first_delivery_year=span["first"], last_delivery_year=span["last"])
    return True


def deals_set_review_status(*, deals: Iterable[Deal], review_status: str) -> int:
    """Set the review state of many deals, one save each so every change lands in the history."""
    changed = 0
    with transaction.atomic():
        for deal in deals:
            if deal.review_status != review_status:
                deal.review_status = review_status
                deal.save(update_fields=["review_status"])
                changed += 1
    return changed





def _deliveries(deal: Deal, deliveries: list[dict]) -> list[Delivery]:
    rows = [Delivery(deal=deal, **d) for d in deliveries]
    years = [row.year for row in rows]
    if len(set(years)) < len(years):
        raise InvalidItems("deliveries", [
            {"year": ["Listed twice."]} if years.count(row.year) > 1 else {} for row in rows
        ])
    return rows


def _set_span(deal: Deal, rows: list[Delivery]) -> None:
    years = [row.year for row in rows]
    deal.first_delivery_year, deal.last_delivery_year = (min(years), max(years)) if years else (None, None)


@transaction.atomic
def deal_create(*, deliveries: list[dict] | None = None, citations: list[dict] | None = None, **fields) -> Deal:
    """Create a deal with its deliveries and citations, all or nothing: one bad citation stores none of it."""
    from sources.models import Citation

    deal = Deal(**fields)
    rows = _deliveries(deal, deliveries or [])
    _set_span(deal, rows)
    validate_items("deliveries", rows, exclude=["deal"])
    validated_save(deal)
    for row in rows:
        row.deal = deal
        row.save()
    evidence = [Citation(deal=deal, **c) for c in citations or []]
    validate_items("citations", evidence)
    for citation in evidence:
        citation.save()
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, deliveries: list[dict] | None = None, **fields) -> Deal:
    """Update a deal's fields; `deliveries`, when given, replaces its delivery rows."""
    for name, value in fields.items():
        setattr(deal, name, value)
    if deliveries is not None:
        rows = _deliveries(deal, deliveries)
        _set_span(deal, rows)
        validate_items("deliveries", rows, exclude=["deal"])
    validated_save(deal)
    if deliveries is not None:
        existing = {d.year: d for d in deal.deliveries.all()}
        for row in rows:
            current = existing.pop(row.year, None)
            if current is None:
                row.save()
            elif (current.year_is_estimate, current.quantity, current.quantity_is_estimate) != (
                    row.year_is_estimate, row.quantity, row.quantity_is_estimate):
                current.year_is_estimate, current.quantity = row.year_is_estimate, row.quantity
                current.quantity_is_estimate = row.quantity_is_estimate
                current.save()
        for stale in existing.values():
            stale.delete()
    return deal
