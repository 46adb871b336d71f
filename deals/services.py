"""Writes to deals: every path (admin, fixtures, imports, API) goes through these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, QuerySet

from core.services import InvalidItems, validate_items, validated_save
from sources.choices import Stance
from sources.models import Citation

from .choices import ReviewStatus
from .models import DELIVERY_VALUES, Deal, Delivery

EVIDENCE_NEEDED = "A reviewed deal needs at least one supporting citation; add one or keep it as a draft."
# How many offending deals an error names; the count covers the rest.
LISTED = 20


def deals_lacking_support(deals: QuerySet, *, once_reviewed: bool = False) -> QuerySet:
    """The reviewed deals among `deals` (or all of them, `once_reviewed`) that no supporting citation backs: one
    set-based query, using the citations' deal index, so bulk writers can check a whole batch at once."""
    unsupported = deals.exclude(Exists(Citation.objects.filter(deal=OuterRef("pk"), stance=Stance.SUPPORTS)))
    return unsupported if once_reviewed else unsupported.filter(review_status=ReviewStatus.REVIEWED)


def lacking_support_message(ids: list[int], total: int) -> str:
    named = ", ".join(map(str, ids)) + (f" and {total - len(ids)} more" if total > len(ids) else "")
    return f"{EVIDENCE_NEEDED} Without one: deal(s) {named}."


def deals_require_support(*, deals: QuerySet, field: str = "review_status", once_reviewed: bool = False) -> None:
    """Refuse, inside the caller's transaction, when any reviewed deal among `deals` (any deal, `once_reviewed`)
    lacks a supporting citation."""
    lacking = deals_lacking_support(deals, once_reviewed=once_reviewed).order_by("pk").values_list("pk", flat=True)
    ids = list(lacking[:LISTED])
    if ids:
        total = len(ids) if len(ids) < LISTED else lacking.count()
        raise ValidationError({field: [lacking_support_message(ids, total)]})


def deal_require_support(deal: Deal, *, field: str = "review_status", message: str = EVIDENCE_NEEDED) -> None:
    """One deal's check, worded for the curator editing it."""
    if deal.review_status == ReviewStatus.REVIEWED and not deal.citations.filter(stance=Stance.SUPPORTS).exists():
        raise ValidationError({field: [message]})


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
    """Set the review state of many deals, one save each so every change lands in the history. Marking them
    reviewed is all or nothing: if one lacks a supporting citation, none changes."""
    changed = 0
    if not isinstance(deals, QuerySet):
        deals = list(deals)
    with transaction.atomic():
        if review_status == ReviewStatus.REVIEWED:
            # A subquery rather than a list of ids, so a whole-table selection stays one statement.
            selected = Deal.objects.filter(
                pk__in=deals.values("pk") if isinstance(deals, QuerySet) else [deal.pk for deal in deals]
            )
            # Locked first, so a citation deleted meanwhile cannot slip between the check and the writes.
            list(selected.select_for_update().values_list("pk", flat=True))
            deals_require_support(deals=selected, once_reviewed=True)
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
        raise InvalidItems(
            "deliveries", [{"year": ["Listed twice."]} if years.count(row.year) > 1 else {} for row in rows]
        )
    return rows


def _set_span(deal: Deal, rows: list[Delivery]) -> None:
    years = [row.year for row in rows]
    deal.first_delivery_year, deal.last_delivery_year = (min(years), max(years)) if years else (None, None)


@transaction.atomic
def deal_create(*, deliveries: list[dict] | None = None, citations: list[dict] | None = None, **fields) -> Deal:
    """Create a deal with its deliveries and citations, all or nothing: one bad citation stores none of it, and
    a reviewed deal without a supporting citation stores nothing."""
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
    deal_require_support(deal)
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, deliveries: list[dict] | None = None, **fields) -> Deal:
    """Update a deal's fields; `deliveries`, when given, replaces its delivery rows. A deal left reviewed must
    have a supporting citation (checked after the write, in its transaction, so the refusal undoes it)."""
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
            elif any(getattr(current, name) != getattr(row, name) for name in DELIVERY_VALUES):
                for name in DELIVERY_VALUES:
                    setattr(current, name, getattr(row, name))
                current.save()
        for stale in existing.values():
            stale.delete()
    deal_require_support(deal)
    return deal
