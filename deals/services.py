"""Writes to deals: every path (admin, fixtures, imports, API) goes through these."""
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Min

from .choices import ReviewStatus
from .models import Deal


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



