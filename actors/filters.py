"""Filters for actors, and the actor reference filter the other resources share."""

from core.api.filters import (
    ListFilter,
    OrderingFilter,
    RangeForm,
    RecordFilterSet,
    SearchFilter,
    choice_list_filter,
    lookup_resolver,
)

from . import selectors
from .choices import ActorKind
from .models import Actor

ACTOR_HINT = "use an actor id, slug, or ISO 3166 alpha-2, alpha-3 or former code (case-insensitive)."


def actor_ref_filter(field_name: str, help_text: str, **kwargs) -> ListFilter:
    return ListFilter(
        field_name=field_name,
        resolve=lookup_resolver(selectors.actor_ref_rows),
        hint=ACTOR_HINT,
        help_text=f"{help_text} Actor slug, id or ISO code; comma-separated or repeated for any of several.",
        **kwargs,
    )


GROUP_HINT = "use the id or slug of a group, region or organisation, e.g. `nato`, `european-union` or `europe`."


def group_ref_filter(help_text: str, **kwargs) -> ListFilter:
    """Resolves groups by slug or id; the filtering itself is the caller's `method`, since membership has years."""
    return ListFilter(
        field_name="id",
        resolve=lookup_resolver(selectors.group_ref_rows),
        hint=GROUP_HINT,
        help_text=f"{help_text} Group slug or id; comma-separated or repeated for any of several.",
        **kwargs,
    )


class ActorFilterSet(RecordFilterSet):
    kind = choice_list_filter(ActorKind.choices, field_name="kind", help_text="Actor kind; any of several.")
    iso = actor_ref_filter("id", "Actors with these ISO codes (or slugs).")
    part_of = actor_ref_filter("part_of_id", "Actors that are part of these actors, e.g. `iran` for the IRGC.")
    member_of = group_ref_filter(
        "Actors that are or were members of these groups, in any year, e.g. `nato` or `europe`.",
        method="members_of",
    )
    q = SearchFilter(method="search", help_text="Text in the name, slug, ISO codes, office or any alias.")
    ordering = OrderingFilter(fields=["name", "id", "kind", "updated"])

    class Meta:
        model = Actor
        fields = []
        form = RangeForm

    def members_of(self, queryset, name, group_ids):
        return selectors.actors_member_of(queryset, group_ids)

    def search(self, queryset, name, value):
        return selectors.actor_search(queryset, value)
