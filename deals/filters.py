"""Filters for deals: the vocabulary of the API contract."""

from rest_framework.exceptions import ValidationError

from actors.filters import actor_ref_filter, group_ref_filter
from core.api.filters import (
    BooleanFilter,
    ListFilter,
    OrderingFilter,
    RangeForm,
    RecordFilterSet,
    SearchFilter,
    YearFilter,
    choice_list_filter,
    lookup_resolver,
)
from sources.filters import source_rows
from systems.filters import category_ref_filter, system_ref_filter
from systems.selectors import with_variants

from . import selectors
from .choices import Condition, DealKind, DealStatus, ReviewStatus
from .models import Deal


class DealFilterSet(RecordFilterSet):
    supplier = actor_ref_filter("supplier_id", "Deals supplied by these actors.")
    recipient = actor_ref_filter("recipient_id", "Deals received by these actors.")
    party = actor_ref_filter("id", "Deals with these actors on either side.", method="with_party")
    supplier_group = group_ref_filter(
        "Deals whose supplier was a member of any of these groups (a region, NATO, the EU) in the deal's year; "
        "a deal with no year counts only for regions, whose membership has no years.",
        method="supplied_by_group",
    )
    recipient_group = group_ref_filter(
        "Deals whose recipient was a member of any of these groups (a region, NATO, the EU) in the deal's year; "
        "a deal with no year counts only for regions, whose membership has no years.",
        method="received_by_group",
    )
    system = system_ref_filter("system_id", "Deals for these systems.", method="for_systems")
    variants = BooleanFilter(
        method="for_systems",
        help_text="With `system`: `true` also counts every variant of those systems, at any depth (the T-72B3 "
        "under `system=t-72`).",
    )
    category = category_ref_filter("system__category_id", "Deals for systems in these categories.")
    kind = choice_list_filter(DealKind.choices, field_name="kind", help_text="Kind of transfer; any of several.")
    status = choice_list_filter(DealStatus.choices, field_name="status", help_text="Stage reached; any of several.")
    condition = choice_list_filter(Condition.choices, field_name="condition", help_text="New or second-hand.")
    review_status = choice_list_filter(
        ReviewStatus.choices,
        field_name="review_status",
        help_text="Review state. Callers without curator rights only ever see `reviewed` deals.",
    )
    year_from = YearFilter(field_name="year", lookup_expr="gte", help_text="Order or agreement year from (inclusive).")
    year_to = YearFilter(field_name="year", lookup_expr="lte", help_text="Order or agreement year to (inclusive).")
    delivered_from = YearFilter(method="delivered_between", help_text="Any delivery in this year or later.")
    delivered_to = YearFilter(method="delivered_between", help_text="Any delivery in this year or earlier.")
    source = ListFilter(
        field_name="id",
        method="citing",
        resolve=lookup_resolver(source_rows),
        hint="use a source id.",
        help_text="Deals these sources (ids) support; any of several. Contradicting citations do not count.",
    )
    q = SearchFilter(
        method="search",
        help_text="Text in party names and aliases, system designations and aliases, notes and quotes.",
    )
    ordering = OrderingFilter(
        fields=[
            ("year", "year"),
            ("id", "id"),
            ("updated", "updated"),
            ("created", "created"),
            ("supplier__name", "supplier"),
            ("recipient__name", "recipient"),
            ("system__designation", "system"),
            ("quantity_ordered", "quantity_ordered"),
            ("first_delivery_year", "first_delivery_year"),
        ]
    )

    class Meta:
        model = Deal
        fields = []
        form = RangeForm

    def with_party(self, queryset, name, actor_ids):
        return selectors.deals_with_party(queryset, actor_ids)

    def supplied_by_group(self, queryset, name, group_ids):
        return selectors.deals_with_member(queryset, "supplier", group_ids)

    def received_by_group(self, queryset, name, group_ids):
        return selectors.deals_with_member(queryset, "recipient", group_ids)

    def first_of_pair(self, pair: str) -> bool:
        """Two parameters that make one condition (`system` and `variants`, the two delivery years) apply it once,
        on whichever of their filters runs first: True the first time only."""
        done = self.__dict__.setdefault("_pairs_done", set())
        if pair in done:
            return False
        done.add(pair)
        return True

    def for_systems(self, queryset, name, value):
        if not self.first_of_pair("systems"):
            return queryset
        data = self.form.cleaned_data
        ids = data.get("system")
        if data.get("variants"):
            if not ids:
                raise ValidationError({"variants": ["Give `system` too: the systems whose variants to include."]})
            ids = with_variants(ids)
        return queryset if ids is None else queryset.filter(system_id__in=ids)

    def delivered_between(self, queryset, name, value):
        # Both bounds apply to the same delivery.
        if not self.first_of_pair("delivered"):
            return queryset
        data = self.form.cleaned_data
        return selectors.deals_delivered_between(queryset, data.get("delivered_from"), data.get("delivered_to"))

    def citing(self, queryset, name, source_ids):
        return selectors.deals_citing(queryset, source_ids)

    def search(self, queryset, name, value):
        return selectors.deal_search(queryset, value)
