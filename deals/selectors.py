"""Reads of deals: what a caller may see, with everything the API needs fetched up front."""
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from .choices import ReviewStatus
from .models import Deal, Delivery


def can_see_drafts(user) -> bool:
    return bool(user and user.has_perm("deals.view_deal"))


def deals_visible_to(user) -> QuerySet[Deal]:
    """Anonymous and unprivileged callers see reviewed deals only; curators see drafts too."""
    deals = Deal.objects.all()
    return deals if can_see_drafts(user) else deals.filter(review_status=ReviewStatus.REVIEWED)


def deal_list(user) -> QuerySet[Deal]:
    from sources.models import Citation

    return deals_visible_to(user).select_related(
        "supplier", "recipient", "system__category"
    ).prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("id")),
        Prefetch("deliveries", queryset=Delivery.objects.order_by("year")),
    )


def deals_with_party(queryset: QuerySet[Deal], actor_ids: list[int]) -> QuerySet[Deal]:
    return queryset.filter(Q(supplier_id__in=actor_ids) | Q(recipient_id__in=actor_ids))


def deals_delivered_between(queryset: QuerySet[Deal], first: int | None, last: int | None) -> QuerySet[Deal]:
    deliveries = Delivery.objects.filter(deal=OuterRef("pk"))
    if first is not None:
        deliveries = deliveries.filter(year__gte=first)
    if last is not None:
        deliveries = deliveries.filter(year__lte=last)
    return queryset.filter(Exists(deliveries))


def deals_citing(queryset: QuerySet[Deal], source_ids: list[int]) -> QuerySet[Deal]:
    """Deals these sources support; a source that contradicts a deal is not where that deal comes from."""
    from sources.choices import Stance
    from sources.models import Citation

    supporting = Citation.objects.filter(deal=OuterRef("pk"), source_id__in=source_ids, stance=Stance.SUPPORTS)
    return queryset.filter(Exists(supporting))


def deal_search(queryset: QuerySet[Deal], text: str) -> QuerySet[Deal]:
    """Text in party names and aliases, system designations, names and aliases, notes and quotes."""
    from actors.selectors import actor_search
    from actors.models import Actor
    from sources.models import Citation
    from systems.models import System
    from systems.selectors import system_search

    actors = actor_search(Actor.objects.all(), text).values("id")
    systems = system_search(System.objects.all(), text).values("id")
    quotes = Citation.objects.filter(deal=OuterRef("pk"), quote__icontains=text)
    return queryset.filter(
        Q(supplier_id__in=actors) | Q(recipient_id__in=actors) | Q(system_id__in=systems)
        | Q(notes__icontains=text) | Q(quantity_text__icontains=text) | Exists(quotes)
    )
