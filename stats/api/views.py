"""Statistics endpoints: deliveries and orders grouped and summed, as paged JSON or as SIPRI-style CSV tables."""

from functools import partial

from django.core.paginator import Paginator
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from actors.api.brief import ActorBriefSerializer
from actors.models import Actor
from core.api.filters import StrictFilterBackend
from core.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parse_page_size
from core.api.renderers import CSVRenderer, OrjsonRenderer
from core.response_cache import cached_response
from deals.selectors import deals_visible_to
from systems.api.brief import CategoryBriefSerializer, SystemBriefSerializer
from systems.models import Category, System

from .. import selectors, tables
from ..filters import DeliveryStatsFilterSet, OrderStatsFilterSet, ProfileFilterSet
from .serializers import profile_schema, stats_page

BRIEF = {Actor: ActorBriefSerializer, System: SystemBriefSerializer, Category: CategoryBriefSerializer}


def represented(table: selectors.Table, rows: list[dict], total: dict, context: dict) -> list[dict]:
    """Grouped rows as the API shows them: each dimension's record in its brief form, then the measures."""
    records = selectors.briefs(table.dimensions, rows)
    results = []
    for row in rows:
        item = {}
        for dimension in table.dimensions:
            value = row[selectors.key(dimension)]
            if dimension.model is None:
                item[dimension.name] = value
            else:
                record = records[dimension.name].get(value)
                item[dimension.name] = None if record is None else BRIEF[dimension.model](record, context=context).data
        item.update(
            tiv=selectors.tiv_text(row["tiv"]),
            share=selectors.share(row["tiv"], total=total),
            units=row["units"],
            deals=row["deals"],
        )
        results.append(item)
    return results


def summarised(total: dict) -> dict:
    summary = {"tiv": selectors.tiv_text(total["tiv"]), "units": total["units"], "deals": total["deals"]}
    if "unallocated_tiv" in total:
        summary["unallocated_tiv"] = selectors.tiv_text(total["unallocated_tiv"])
    return summary


class GroupCountingPaginator(Paginator):
    """Takes the number of groups from the page's own rows (each carries it, selectors.GROUPS) rather than counting
    them in a second query; a page past the end, which has no rows, is counted as usual."""

    def page(self, number):
        if "count" not in self.__dict__:
            try:
                offset = (int(number) - 1) * self.per_page
            except (TypeError, ValueError):
                offset = -1
            if offset >= 0:
                rows = list(self.object_list[offset : offset + self.per_page])
                if rows:
                    self.__dict__["count"] = rows[0][selectors.GROUPS]  # Paginator.count is a cached_property
                    return self._get_page(rows, self.validate_number(number), self)
        return super().page(number)


class StatsPagination(PageNumberPagination):
    django_paginator_class = GroupCountingPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    query_params = ("page", "page_size")

    def get_page_size(self, request):
        return parse_page_size(request, self.page_size_query_param)


class AnalysisView(GenericAPIView):
    """What every statistics endpoint shares: the deals the caller may count, and strict parameters."""

    refuses_bad_parameters = True  # core/api/schema.py documents the 400
    filter_backends = [StrictFilterBackend]
    renderer_classes = [OrjsonRenderer, BrowsableAPIRenderer]

    def get_queryset(self):
        return deals_visible_to(self.request.user)


class StatsView(AnalysisView):
    """Shared by both tables: `measure` says what is summed; the deal filters say over which deals."""

    measure: selectors.Measure
    pagination_class = StatsPagination
    renderer_classes = [*AnalysisView.renderer_classes, CSVRenderer]

    def get(self, request, *args, **kwargs):
        return cached_response(request, lambda: self.answer(request))

    def grouping(self, request, data) -> list[str]:
        """The dimensions asked for in `by` (the explorer's flows page fixes them instead)."""
        if "by" not in request.query_params:
            choices = ", ".join(selectors.DIMENSIONS[self.measure.name])
            raise ValidationError({"by": [f"Required: one or two of {choices}, comma-separated."]})
        by = data["by"]
        if len(by) > selectors.MAX_DIMENSIONS or len(set(by)) != len(by):
            raise ValidationError({"by": [f"One or two different dimensions; got {', '.join(by)}."]})
        return by

    def parameters(self, request):
        filterset = StrictFilterBackend().validated_filterset(request, self.get_queryset(), self)
        data = filterset.form.cleaned_data if filterset is not None else {}
        by = self.grouping(request, data)
        if filterset is None:  # nothing asked but the grouping: every deal the caller may count, all years
            return self.get_queryset(), False, by, None, (None, None), {}
        ordering = data.get("ordering") or None
        stray = [item for item in ordering or () if item.lstrip("-") not in (*selectors.MEASURES, *by)]
        if stray:
            raise ValidationError(
                {"ordering": [f"Sort by {', '.join(selectors.MEASURES)} or a `by` dimension; got {', '.join(stray)}."]}
            )
        bounds = (
            ("delivered_from", "delivered_to") if self.measure is selectors.DELIVERIES else ("year_from", "year_to")
        )
        years = tuple(data.get(name) for name in bounds)
        groups = {}
        if self.measure is selectors.DELIVERIES:
            groups = {side: data.get(f"{side}_group") for side in ("supplier", "recipient")}
        narrowed = bool(filterset.given - filterset.not_on_deals)
        return filterset.qs, narrowed, by, ordering, years, groups

    def tabulated(self, request) -> tuple[selectors.Table, tuple]:
        """The table the request asks for (not yet read), and the years it bounds."""
        deals, narrowed, by, ordering, years, groups = self.parameters(request)
        source = deals
        if self.measure is selectors.DELIVERIES:
            source = selectors.delivery_facts(request.user, deals if narrowed else None, years, groups=groups)
        return selectors.table(source, self.measure, by, ordering), years

    def answer(self, request):
        table, years = self.tabulated(request)
        by = [dimension.name for dimension in table.dimensions]
        if request.accepted_renderer.format == "csv":
            rows = list(table.rows)
            total = table.total(rows)
            records = selectors.briefs(table.dimensions, rows)
            pivoted = len(by) == 2 and "year" in by
            lines = (
                tables.pivot(table, rows, records, years)
                if pivoted
                else tables.flat(table, rows, records, total, partial(selectors.share, total=total))
            )
            body = tables.write(tables.preamble(table, total, request.META.get("QUERY_STRING", "")) + lines)
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="dealgraph-{self.measure.name}-by-{"-".join(by)}.csv"'
            )
            return response

        rows = self.paginate_queryset(table.rows)
        total = table.total(rows)
        paginator = self.paginator
        return Response(
            {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "by": by,
                "total": summarised(total),
                "results": represented(table, rows, total, self.get_serializer_context()),
            }
        )


FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="`csv`: every group as a table (SIPRI's layout for `by=X,year`)."
)


@extend_schema(
    summary="Deliveries, summed and grouped",
    description=(
        "SIPRI's TIV tables over any deal filter: TIV delivered, units delivered and deals, grouped by one or two "
        "dimensions (`by=recipient` ranks importers, `by=supplier,recipient` is the flow matrix, `by=recipient,year` a "
        "time series). `delivered_from`/`delivered_to` bound which years' deliveries count. Each result's `share` is its "
        "fraction of the total TIV; `total.unallocated_tiv` is TIV the sources do not split by year, counted in no group."
    ),
    responses=stats_page(selectors.DELIVERIES),
    parameters=[FORMAT],
)
class DeliveryStatsView(StatsView):
    measure = selectors.DELIVERIES
    filterset_class = DeliveryStatsFilterSet


@extend_schema(
    summary="Orders, summed and grouped",
    description=(
        "Deals by order year: the TIV of the whole order, units ordered and deals, grouped like the delivery "
        "statistics, over any deal filter (`year_from`/`year_to` bound the order years)."
    ),
    responses=stats_page(selectors.ORDERS),
    parameters=[FORMAT],
)
class OrderStatsView(StatsView):
    measure = selectors.ORDERS
    filterset_class = OrderStatsFilterSet


class ActorProfileView(AnalysisView):
    """One actor's trade in one answer: the same tables as /stats/deliveries/, for its own deals."""

    filterset_class = ProfileFilterSet
    pagination_class = None

    @extend_schema(
        summary="An actor's imports and exports",
        description=(
            "Imports and exports by delivery year (TIV, units, deals), the top ten partners each way and the top ten "
            "armament categories, with their shares of the side's total, over an optional range of delivery years. "
            "The same figures as `/stats/deliveries/?recipient=SLUG&by=...` (imports) and `?supplier=SLUG` (exports)."
        ),
        responses=profile_schema(),
    )
    def get(self, request, slug):
        return cached_response(request, lambda: self.answer(request, slug))

    def answer(self, request, slug):
        actor = Actor.objects.filter(slug=slug).first()
        if actor is None:
            raise NotFound(f"No actor with the slug {slug[:60]!r}.")
        filterset = StrictFilterBackend().validated_filterset(request, self.get_queryset(), self)
        data = filterset.form.cleaned_data if filterset is not None else {}
        years = (data.get("delivered_from"), data.get("delivered_to"))
        context = self.get_serializer_context()
        body = {
            "actor": ActorBriefSerializer(actor, context=context).data,
            "delivered_from": years[0],
            "delivered_to": years[1],
        }
        for side, tables_ in selectors.profile(actor, request.user, years).items():
            total = tables_["total"]
            body[side] = {"total": summarised(total)}
            for name in ("by_year", "partners", "categories"):
                table, rows = tables_[name]
                body[side][name] = represented(table, rows, total, context)
        return Response(body)
