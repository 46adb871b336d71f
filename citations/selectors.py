"""Reads of citations, limited to what the caller may see."""

from django.db.models import Q, QuerySet

from deals.choices import ReviewStatus
from deals.models import can_see_drafts
from sources.models import Citation


def citations_visible_to(user) -> QuerySet[Citation]:
    """Citations of draft deals are hidden along with the deals."""
    citations = Citation.objects.all()
    if can_see_drafts(user):
        return citations
    return citations.filter(Q(deal__isnull=True) | Q(deal__review_status=ReviewStatus.REVIEWED))


def citation_list(user) -> QuerySet[Citation]:
    return citations_visible_to(user).select_related(
        "source",
        "deal__supplier",
        "deal__recipient",
        "deal__system__category",
        "actor",
        "system__category",
    )


def citation_search(queryset: QuerySet[Citation], text: str) -> QuerySet[Citation]:
    return queryset.filter(Q(quote__icontains=text) | Q(hedge_text__icontains=text) | Q(note__icontains=text))
