"""Reads of actors, shaped for the API and the filters."""

from django.db import connections, router
from django.db.models import Prefetch, Q, QuerySet

from core.db import prepared_cursor
from core.text import ids_in

from .models import Actor, ActorAlias


def actor_list() -> QuerySet[Actor]:
    return Actor.objects.select_related("part_of").prefetch_related(
        Prefetch("aliases", queryset=ActorAlias.objects.order_by("name", "id"))
    )


def actor_detail() -> QuerySet[Actor]:
    return actor_list().prefetch_related(
        Prefetch("successors", queryset=Actor.objects.order_by("name", "id")),
        Prefetch("predecessors", queryset=Actor.objects.order_by("name", "id")),
        Prefetch("parts", queryset=Actor.objects.order_by("name", "id")),
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
