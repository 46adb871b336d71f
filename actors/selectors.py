"""Reads of actors, shaped for the API and the filters."""
from django.db.models import Prefetch, Q, QuerySet

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


def actor_ref_rows(values: list[str]):
    """(id, *keys) rows for actor references: an id, a slug, or an ISO alpha-2, alpha-3 or former code."""
    ids = ids_in(values)
    lowered = [v.lower() for v in values]
    uppered = [v.upper() for v in values]
    return Actor.objects.filter(
        Q(pk__in=ids) | Q(slug__in=lowered) | Q(iso2__in=uppered) | Q(iso3__in=uppered) | Q(iso_former__in=uppered)
    ).values_list("id", "id", "slug", "iso2", "iso3", "iso_former")


def actor_search(queryset: QuerySet[Actor], text: str) -> QuerySet[Actor]:
    aliases = ActorAlias.objects.filter(name__icontains=text).values("actor_id")
    return queryset.filter(
        Q(name__icontains=text) | Q(slug__icontains=text) | Q(iso2__iexact=text) | Q(iso3__iexact=text)
        | Q(office__icontains=text) | Q(pk__in=aliases)
    )
