"""Reads of actors, shaped for the API and the filters."""

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Exists, Expression, OuterRef, Prefetch, Q, QuerySet, Subquery

from core.db import prepared_cursor
from core.text import ids_in

from .choices import GROUP_KINDS
from .models import Actor, ActorAlias, Membership

# SIPRI's regions, the one place that says which groups they are. Their subregions are the groups `part_of` them;
# a region without subregions (the Middle East) is its own subregion. Membership of a region is recorded both on
# the subregion and on the region, so either level is answered by one membership look-up.
SIPRI_REGIONS = ("africa", "americas", "asia-and-oceania", "europe", "middle-east")


def actor_list() -> QuerySet[Actor]:
    return Actor.objects.select_related("part_of").prefetch_related(
        Prefetch("aliases", queryset=ActorAlias.objects.order_by("name", "id"))
    )


def actor_detail() -> QuerySet[Actor]:
    return actor_list().prefetch_related(
        Prefetch("successors", queryset=Actor.objects.order_by("name", "id")),
        Prefetch("predecessors", queryset=Actor.objects.order_by("name", "id")),
        Prefetch("parts", queryset=Actor.objects.order_by("name", "id")),
        Prefetch(
            "member_of",
            queryset=Membership.objects.select_related("group").order_by("group__name", "year_from", "id"),
        ),
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("member").order_by("member__name", "year_from", "id"),
        ),
    )


def actor_ref_rows(values: list[str]) -> list[tuple]:
    """(id, *keys) rows for actor references: an id, a slug, or an ISO alpha-2, alpha-3 or former code.

    Plain SQL, prepared on PostgreSQL: nearly every filtered request resolves a party first, and composing this
    five-way OR through the ORM was a tenth of a filtered deal list's CPU time (docs/performance.md)."""
    connection = connections[router.db_for_read(Actor)]
    quote = connection.ops.quote_name
    uppered = [v.upper() for v in values]
    tests, params = [], []
    for name, group in (
        ("id", ids_in(values)),
        ("slug", [v.lower() for v in values]),
        ("iso2", uppered),
        ("iso3", uppered),
        ("iso_former", uppered),
    ):
        if group:
            tests.append(f"{quote(Actor._meta.get_field(name).column)} IN ({', '.join(['%s'] * len(group))})")
            params += group
    columns = ", ".join(
        quote(Actor._meta.get_field(name).column) for name in ("id", "slug", "iso2", "iso3", "iso_former")
    )
    with prepared_cursor(connection) as cursor:
        cursor.execute(f"SELECT {columns} FROM {quote(Actor._meta.db_table)} WHERE {' OR '.join(tests)}", params)
        return [(row[0], *row) for row in cursor.fetchall()]


def actor_search(queryset: QuerySet[Actor], text: str) -> QuerySet[Actor]:
    aliases = ActorAlias.objects.filter(name__icontains=text).values("actor_id")
    return queryset.filter(
        Q(name__icontains=text)
        | Q(slug__icontains=text)
        | Q(iso2__iexact=text)
        | Q(iso3__iexact=text)
        | Q(office__icontains=text)
        | Q(pk__in=aliases)
    )


def group_ref_rows(values: list[str]) -> QuerySet:
    """(id, id, slug) rows for references to groups (regions, groupings, organisations) by id or slug; any other
    actor is not a group, so a filter naming one reports it as unknown."""
    return (
        Actor.objects.filter(kind__in=GROUP_KINDS)
        .filter(Q(id__in=ids_in(values)) | Q(slug__in=[v.lower() for v in values]))
        .order_by()
        .values_list("id", "id", "slug")
    )


def actors_member_of(queryset: QuerySet[Actor], group_ids: list[int]) -> QuerySet[Actor]:
    """Actors that are or were members of any of these groups, in any year."""
    return queryset.filter(Exists(Membership.objects.filter(member_id=OuterRef("pk"), group_id__in=group_ids)))


def member_in_year(group_ids: Iterable[int], member: Expression | str, year: Expression | str) -> Exists:
    """True where `member` (an actor id) was a member of any of `group_ids` in `year`: the one definition of
    group membership that the deal filters and the statistics share.

    `member` and `year` are expressions over the outer query, e.g. `OuterRef("recipient_id")` and `OuterRef("year")`
    for deals by order year, or the delivery's year for deliveries; a string is taken as an OuterRef. A membership
    covers every year from `year_from` to `year_to`, open ends unbounded. A NULL year matches only memberships
    with no years at all (regions): a dated membership cannot be checked against an unknown year, so it does not
    count, while a state is in its region whatever the year."""
    member = OuterRef(member) if isinstance(member, str) else member
    year = OuterRef(year) if isinstance(year, str) else year
    # SQL's three-valued logic gives the NULL-year rule: `year_from <= NULL` is never true, `year_from IS NULL` is.
    return Exists(
        Membership.objects.filter(group_id__in=list(group_ids), member_id=member)
        .filter(Q(year_from__isnull=True) | Q(year_from__lte=year))
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
    )


def region_groups() -> QuerySet[Actor]:
    """SIPRI's five regions."""
    return Actor.objects.filter(slug__in=SIPRI_REGIONS).order_by("name", "id")


def subregion_groups() -> QuerySet[Actor]:
    """SIPRI's thirteen subregions, with the Middle East, which has none and is its own."""
    undivided = Q(slug__in=SIPRI_REGIONS) & ~Exists(Actor.objects.filter(part_of=OuterRef("pk")))
    return Actor.objects.filter(Q(part_of__slug__in=SIPRI_REGIONS) | undivided).order_by("name", "id")


def region_of(member: Expression | str, *, subregion: bool = False) -> Subquery:
    """The id of the SIPRI region (or subregion) `member` lies in, or NULL, for grouping rows by region:
    `deals.annotate(region=region_of("recipient_id"))`. Regions carry no years, so none is asked."""
    member = OuterRef(member) if isinstance(member, str) else member
    groups = subregion_groups() if subregion else region_groups()
    return Subquery(
        Membership.objects.filter(member_id=member, group__in=groups.order_by().values("id"))
        .order_by("group_id")
        .values("group_id")[:1]
    )
