"""Reads of sources and citations, limited to what the caller may see."""

from django.db.models import Prefetch, Q, QuerySet

from deals.choices import ReviewStatus
from deals.selectors import can_see_drafts

from .models import Citation, Source


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


def source_list() -> QuerySet[Source]:
    return Source.objects.defer("text")


def source_detail(user) -> QuerySet[Source]:
    return Source.objects.prefetch_related(
        Prefetch("citations", queryset=citation_list(user).order_by("id"), to_attr="visible_citations")
    )


def source_search(queryset: QuerySet[Source], text: str) -> QuerySet[Source]:
    return queryset.filter(
        Q(title__icontains=text)
        | Q(subtitle__icontains=text)
        | Q(publisher__icontains=text)
        | Q(authors__icontains=text)
        | Q(url__icontains=text)
    )


def citation_search(queryset: QuerySet[Citation], text: str) -> QuerySet[Citation]:
    return queryset.filter(Q(quote__icontains=text) | Q(hedge_text__icontains=text) | Q(note__icontains=text))
