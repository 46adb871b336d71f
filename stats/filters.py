"""The statistics' parameters: every deal filter, plus `by` and an `ordering` of their own."""

import django_filters

from core.api.filters import RangeForm, YearFilter, choice_list_filter
from deals.filters import DealFilterSet
from deals.models import Deal

from .selectors import DELIVERIES, DIMENSIONS, ORDERS, Measure, ordering_choices

# Parameters that shape a delivery table without narrowing which deals count (the delivery years bound the rows).
SHAPING = frozenset({"by", "ordering", "delivered_from", "delivered_to"})
# A delivery table's group filters select deliveries, by membership in the delivery year
# (stats.selectors.delivery_facts): a 2023 delivery to Finland of a 2021 order is NATO's.
BY_DELIVERY_YEAR = frozenset({"supplier_group", "recipient_group"})


def _stats_filterset(measure: Measure, doc: str) -> type[DealFilterSet]:
    by = choice_list_filter(
        [(name, name) for name in DIMENSIONS[measure.name]],
        field_name="id",
        method="grouping",
        required=True,
        help_text=f"Group by one or two of these, comma-separated (required). {doc}",
    )
    ordering = choice_list_filter(
        [(name, name) for name in ordering_choices(measure)],
        field_name="id",
        method="grouping",
        help_text="Sort by measures or by the `by` dimensions (records by name), comma-separated; prefix `-` for "
        "descending. Default `-tiv`; ties fall to the groups.",
    )

    def grouping(self, queryset, name, value):
        # Not a filter: the view reads `by` and `ordering` from the validated form and groups the filtered deals.
        return queryset

    attrs = {"by": by, "ordering": ordering, "grouping": grouping, "__module__": __name__}
    if measure is DELIVERIES:
        # The delivery years bound which deliveries count (stats.selectors._measured), not only which deals do.
        attrs["delivered_between"] = grouping
        attrs["supplied_by_group"] = attrs["received_by_group"] = grouping
    return type(f"{measure.name.title()}StatsFilterSet", (DealFilterSet,), attrs)


DeliveryStatsFilterSet = _stats_filterset(
    DELIVERIES, "`year` is the delivery year; `delivered_from`/`delivered_to` bound which years' deliveries count."
)
OrderStatsFilterSet = _stats_filterset(ORDERS, "`year` is the order year; deals of unknown year form a `null` group.")


class ProfileFilterSet(django_filters.FilterSet):
    """An actor profile's one choice: which delivery years it covers."""

    delivered_from = YearFilter(method="years", help_text="Deliveries in this year or later (inclusive).")
    delivered_to = YearFilter(method="years", help_text="Deliveries in this year or earlier (inclusive).")

    class Meta:
        model = Deal
        fields = []
        form = RangeForm

    def years(self, queryset, name, value):
        # Read by the view from the validated form; the profile's tables bound their deliveries with it.
        return queryset
