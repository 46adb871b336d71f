"""Reads of intake: proposals with everything their representation shows, in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from deals.models import DealMatch
from sources.models import Citation

from .models import Proposal


def proposal_list() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "intake__source",
        "deal__supplier",
        "deal__recipient",
        "deal__system__category",
    ).prefetch_related(
        Prefetch("deal__citations", queryset=Citation.objects.order_by("id")),
        Prefetch("deal__matches", queryset=DealMatch.objects.order_by("relation", "other_id")),
    )
