"""Reads of citations, limited to what the caller may see."""

from django.db.models import Q, QuerySet

from deals.models import can_see_drafts, public_deal
from sources.models import Citation


def public_citation(deal_shown: Q) -> Q:
    """What a citation must be for callers who cannot see drafts to see it: one that cites no deal, or one whose
    deal they see (`deal_shown`, that condition as reached from the citation, or from a version of it)."""
    return Q(deal__isnull=True) | deal_shown


def citations_visible_to(user) -> QuerySet[Citation]:
    """Citations of draft deals are hidden along with the deals."""
    citations = Citation.objects.all()
    if can_see_drafts(user):
        return citations
    return citations.filter(public_citation(public_deal("deal__")))


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
