"""Reads of deals: what a caller may see, with everything the API needs fetched up front."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from actors.models import Actor
from actors.selectors import actor_search, member_in_year
from sources.choices import Stance
from sources.models import Citation
from systems.models import System
from systems.selectors import system_search

from .models import Deal, DealMatch, DealMerge, Delivery, can_see_drafts, public_deal

_visible: dict[bool, QuerySet[Deal]] = {}


def deals_visible_to(user) -> QuerySet[Deal]:
    # The rule's queryset is built once for each answer to can_see_drafts, its only input, and cloned per request:
    # filtering anew was 8% of the CPU time of a filtered page.
    drafts = can_see_drafts(user)
    base = _visible.get(drafts)
    if base is None:
        base = _visible[drafts] = Deal.objects.visible_to(user)
    return base.all()


def deal_list(user) -> QuerySet[Deal]:
    return (
        deals_visible_to(user)
        .select_related("supplier", "recipient", "system__category")
        .prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("id")),
            Prefetch("deliveries", queryset=Delivery.objects.order_by("year")),
        )
    )


def deals_with_party(queryset: QuerySet[Deal], actor_ids: list[int]) -> QuerySet[Deal]:
    return queryset.filter(Q(supplier_id__in=actor_ids) | Q(recipient_id__in=actor_ids))


def deals_with_member(queryset: QuerySet[Deal], side: str, group_ids: list[int]) -> QuerySet[Deal]:
    """Deals whose `side` (`supplier` or `recipient`) was a member of any of these groups in the deal's order or
    agreement year. A deal with no year counts only for groups whose membership has no years (regions)."""
    return queryset.filter(member_in_year(group_ids, OuterRef(f"{side}_id"), OuterRef("year")))


def deals_delivered_between(queryset: QuerySet[Deal], first: int | None, last: int | None) -> QuerySet[Deal]:
    deliveries = Delivery.objects.filter(deal=OuterRef("pk"))
    if first is not None:
        deliveries = deliveries.filter(year__gte=first)
    if last is not None:
        deliveries = deliveries.filter(year__lte=last)
    return queryset.filter(Exists(deliveries))


def deals_citing(queryset: QuerySet[Deal], source_ids: list[int]) -> QuerySet[Deal]:
    """Deals these sources support; a source that contradicts a deal is not where that deal comes from."""
    supporting = Citation.objects.filter(deal=OuterRef("pk"), source_id__in=source_ids, stance=Stance.SUPPORTS)
    return queryset.filter(Exists(supporting))


def deal_search(queryset: QuerySet[Deal], text: str) -> QuerySet[Deal]:
    """Text in party names and aliases, system designations, names and aliases, notes and quotes.

    The deals are the union of one query per place the text can be, each answered by an index: parties and systems
    are matched first (small tables) and their deals found by key; notes and quotes by trigram indexes on PostgreSQL
    (migrations deals 0004, sources 0003). One OR across those tables made PostgreSQL read every deal: 1.3 s a page
    at one million deals, and 20 s under load."""
    actor_ids = list(actor_search(Actor.objects.all(), text).values_list("id", flat=True))
    system_ids = list(system_search(System.objects.all(), text).values_list("id", flat=True))
    matches = [Deal.objects.filter(notes__icontains=text), Deal.objects.filter(quantity_text__icontains=text)]
    if actor_ids:
        matches += [Deal.objects.filter(supplier_id__in=actor_ids), Deal.objects.filter(recipient_id__in=actor_ids)]
    if system_ids:
        matches.append(Deal.objects.filter(system_id__in=system_ids))
    ids = [match.order_by().values("id") for match in matches]
    ids.append(Citation.objects.filter(quote__icontains=text, deal__isnull=False).order_by().values("deal_id"))
    return queryset.filter(pk__in=ids[0].union(*ids[1:]))


def deal_matches(deal: Deal, *, user) -> QuerySet[DealMatch]:
    """The deals from other sources that `deal` seems to match (deals/matching.py), those `user` may see, with what
    their brief form shows."""
    others = DealMatch.objects.filter(deal=deal)
    if not can_see_drafts(user):
        others = others.filter(public_deal("other__"))
    return others.select_related("other__supplier", "other__recipient", "other__system__category").order_by(
        "relation", "other_id"
    )


def deal_merged_history(deal: Deal) -> dict[int, list]:
    """The history rows of every deal merged into `deal`, by merged deal id, each newest first: two queries."""
    merged = DealMerge.objects.filter(into=deal).values("merged_id")
    rows: dict[int, list] = {}
    for record in (
        Deal.history.filter(id__in=merged).select_related("history_user").order_by("-history_date", "-history_id")
    ):
        rows.setdefault(record.id, []).append(record)
    return rows
