"""The statistics' parameters: every deal filter, plus `by` and an `ordering` of their own."""

import django_filters

from core.api.filters import RangeForm, YearFilter, choice_list_filter
from deals.filters import DealFilterSet
from deals.models import Deal

from .selectors import DELIVERIES, DIMENSIONS, ORDERS, Measure, ordering_choices

# Parameters that shape a table rather than narrow its deals.
SHAPING = frozenset({"by", "ordering"})
# Deal filters a delivery table applies to its delivery rows instead of to the deals (stats.selectors.
# delivery_facts): the delivery years bound which deliveries count, and groups count by membership in the delivery
# year (a 2023 delivery to Finland of a 2021 order is NATO's).
ON_DELIVERIES = frozenset({"delivered_from", "delivered_to", "supplier_group", "recipient_group"})


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

    # `not_on_deals`: the parameters that leave the deals alone; the view narrows the deals only for the others.
    not_on_deals = SHAPING | (ON_DELIVERIES if measure is DELIVERIES else frozenset())
    attrs = {"by": by, "ordering": ordering, "grouping": grouping, "not_on_deals": not_on_deals, "__module__": __name__}
    for name in not_on_deals - SHAPING:
        attrs[DealFilterSet.base_filters[name].method] = grouping  # the deal filter's method, made a no-op
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
