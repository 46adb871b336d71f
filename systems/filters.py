"""Filters for weapon systems, and the system and category reference filters deals share."""

from actors.filters import actor_ref_filter
from core.api.filters import (
    BooleanFilter,
    ListFilter,
    OrderingFilter,
    RangeForm,
    RecordFilterSet,
    SearchFilter,
    choice_list_filter,
    lookup_resolver,
)
from core.choices import ReviewStatus

from . import selectors
from .models import System


def system_ref_filter(field_name: str, help_text: str, **kwargs) -> ListFilter:
    return ListFilter(
        field_name=field_name,
        resolve=lookup_resolver(selectors.system_ref_rows),
        hint="use a system slug or id.",
        help_text=f"{help_text} System slug or id; any of several.",
        **kwargs,
    )


def category_ref_filter(field_name: str, help_text: str, **kwargs) -> ListFilter:
    return ListFilter(
        field_name=field_name,
        resolve=lookup_resolver(selectors.category_ref_rows),
        hint="use a SIPRI armament category slug, e.g. aircraft, air-defence-systems, armoured-vehicles, missiles.",
        help_text=f"{help_text} SIPRI armament category slug (e.g. `aircraft`, `air-defence-systems`); any of several.",
        **kwargs,
    )


class SystemFilterSet(RecordFilterSet):
    category = category_ref_filter("category_id", "Systems in these categories.")
    producer = actor_ref_filter("producer_id", "Systems made by these actors.")
    origin = actor_ref_filter("origin_id", "Systems originating in these states.")
    variant_of = system_ref_filter("variant_of_id", "Variants of these systems.")
    is_generic = BooleanFilter(
        help_text="`true` for generic entries (kit a source names without a designation), `false` for named systems."
    )
    review_status = choice_list_filter(
        ReviewStatus.choices,
        field_name="review_status",
        help_text="Review state: `draft` for systems intake added that await a curator. Callers without curator "
        "rights only ever see `reviewed` systems.",
    )
    q = SearchFilter(method="search", help_text="Text in the designation, name, description, slug or any alias.")
    ordering = OrderingFilter(fields=["designation", "name", "id", "updated"])

    class Meta:
        model = System
        fields = []
        form = RangeForm

    def search(self, queryset, name, value):
        return selectors.system_search(queryset, value)
