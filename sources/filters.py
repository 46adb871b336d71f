"""Filters for sources, and the look-up of sources by id that other filters share."""

import django_filters

from core.api.filters import OrderingFilter, RangeForm, RecordFilterSet, SearchFilter, choice_list_filter
from core.selectors import id_rows

from . import selectors
from .choices import SourceKind
from .models import Source


def source_rows(values):
    return id_rows(Source.objects.all(), values)


class SourceFilterSet(RecordFilterSet):
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
        form = RangeForm

    def search(self, queryset, name, value):
        return selectors.source_search(queryset, value)
