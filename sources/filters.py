"""Filters for sources and citations."""

import django_filters

from actors.filters import actor_ref_filter
from core.api.filters import ListFilter, OrderingFilter, SearchFilter, choice_list_filter, lookup_resolver, range_form
from core.selectors import id_rows
from deals.filters import source_rows
from systems.filters import system_ref_filter

from . import selectors
from .choices import Hedge, SourceKind, Stance
from .models import Citation, Source


def deal_rows(values):
    from deals.models import Deal

    return id_rows(Deal.objects.all(), values)


class SourceFilterSet(django_filters.FilterSet):
    kind = choice_list_filter(SourceKind.choices, field_name="kind", help_text="`article` or `dataset`.")
    publisher = django_filters.CharFilter(
        lookup_expr="icontains", max_length=200, help_text="Text in the publisher's name, any case."
    )
    published_from = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after this date (YYYY-MM-DD)."
    )
    published_to = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before this date (YYYY-MM-DD)."
    )
    q = SearchFilter(method="search", help_text="Text in the title, subtitle, publisher, authors or URL.")
    ordering = OrderingFilter(fields=["published_on", "title", "id", "updated"])

    class Meta:
        model = Source
        fields = []
        form = range_form(("published_from", "published_to"))

    def search(self, queryset, name, value):
        return selectors.source_search(queryset, value)


class CitationFilterSet(django_filters.FilterSet):
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

    def search(self, queryset, name, value):
        return selectors.citation_search(queryset, value)
