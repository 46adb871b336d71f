"""Filters for citations."""

from actors.filters import actor_ref_filter
from core.api.filters import (
    ListFilter,
    OrderingFilter,
    RangeForm,
    RecordFilterSet,
    SearchFilter,
    choice_list_filter,
    lookup_resolver,
)
from core.selectors import id_rows
from deals.models import Deal
from sources.choices import Hedge, Stance
from sources.filters import source_rows
from sources.models import Citation
from systems.filters import system_ref_filter

from . import selectors


def deal_rows(values):
    return id_rows(Deal.objects.all(), values)


class CitationFilterSet(RecordFilterSet):
    source = ListFilter(
        field_name="source_id",
        resolve=lookup_resolver(source_rows),
        hint="use a source id.",
        help_text="Citations from these sources (ids); any of several.",
    )
    deal = ListFilter(
        field_name="deal_id",
        resolve=lookup_resolver(deal_rows),
        hint="use a deal id.",
        help_text="Citations of these deals (ids); any of several.",
    )
    actor = actor_ref_filter("actor_id", "Citations of facts about these actors.")
    system = system_ref_filter("system_id", "Citations of facts about these systems.")
    stance = choice_list_filter(Stance.choices, field_name="stance", help_text="`supports` or `contradicts`.")
    hedge = choice_list_filter(Hedge.choices, field_name="hedge", help_text="How firmly the source says it.")
    q = SearchFilter(method="search", help_text="Text in the quote, its hedging words or the note.")
    ordering = OrderingFilter(fields=["id", "updated"])

    class Meta:
        model = Citation
        fields = []
        form = RangeForm

    def search(self, queryset, name, value):
        return selectors.citation_search(queryset, value)
