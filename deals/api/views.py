"""Deal endpoints: the filterable list, one deal, its matches and merge, and the CSV export."""

from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer

from core.api.pagination import CountedPaginator
from core.api.permissions import ReadOrModelPermission
from core.api.renderers import CSVRenderer
from core.api.views import CurationViewSet, HistoryPagination, page_parameters

from .. import export, export_copy, selectors, services
from ..filters import DealFilterSet
from .serializers import DealMatchSerializer, DealMergeSerializer, DealSerializer, DealWriteSerializer


class MatchPagination(HistoryPagination):
    django_paginator_class = CountedPaginator


class MergePermission(ReadOrModelPermission):
    """Merging changes one deal and deletes another: it takes both permissions."""

    perms_map = {
        **ReadOrModelPermission.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s", "%(app_label)s.delete_%(model_name)s"],
    }


class DealViewSet(CurationViewSet):
    """Deals: one per supplier, recipient and system, each with its evidence inline."""

    serializer_class = DealSerializer
    write_serializer_class = DealWriteSerializer
    filterset_class = DealFilterSet

    if_match_actions = ("merge",)

    def get_queryset(self):
        return selectors.deals_visible_to(self.request.user)

    def history_groups(self, instance):
        merged = selectors.deal_merged_history(instance)
        return [*super().history_groups(instance), *((rows, {"merged_from": pk}) for pk, rows in merged.items())]

    def refuse_unknown_parameters(self, known: set[str]) -> None:
        unknown = sorted(set(self.request.query_params) - known - {"format"})
        if unknown:
            listed = ", ".join(sorted(known))
            raise exceptions.ValidationError(
                {name[:60]: [f"Unknown query parameter. Known parameters: {listed}."] for name in unknown[:10]}
            )

    @extend_schema(
        summary="Deals from other sources that seem to record the same transfer",
        description="The deal's matches, found by the registry (never merged automatically): each other deal in "
        "brief form, with `relation` (`same_transfer`: same supplier, recipient, system family and years within "
        "two; `contradicts`: same recipient, system family and years, another supplier) and the `reason` in words. "
        "Candidates are deals that no source supports together, e.g. an article's and SIPRI's. Callers who cannot "
        "see drafts see only reviewed deals, here as everywhere.",
        responses=DealMatchSerializer(many=True),
        parameters=page_parameters("Matches"),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=MatchPagination, filter_backends=[])
    def matches(self, request, *args, **kwargs):
        deal = self.get_object()
        self.refuse_unknown_parameters({"page", "page_size"})
        page = self.paginate_queryset(selectors.deal_matches(deal, user=request.user))
        return self.get_paginated_response(DealMatchSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        summary="Merge this deal into another",
        description="For curators (change and delete permission on deals): moves this deal's citations to `into` "
        "(keeping each one's stance, or giving all of them `stance`), copies deliveries for years `into` has none "
        "for, fills `into`'s empty figures without replacing any, adds a line to its notes with this deal's own "
        "figures and sources, and deletes this deal; its history stays readable in `into`'s history. Needs "
        "`If-Match` with this deal's ETag. Answers with `into` as a GET shows it.",
        request=DealMergeSerializer,
        responses=DealSerializer,
        filters=False,
    )
    @action(detail=True, methods=["post"], permission_classes=[MergePermission], filter_backends=[])
    def merge(self, request, *args, **kwargs):
        self.refuse_unknown_parameters(set())
        with transaction.atomic():
            deal = self.locked_object()
            self.check_if_match(deal)
            body = DealMergeSerializer(data=request.data, context={"request": request})
            body.is_valid(raise_exception=True)
            into = services.deal_merge(
                deal=deal, into=body.validated_data["into"], stance=body.validated_data.get("stance"), user=request.user
            )
        return self.detail_response(self.saved(into))

    @extend_schema(
        filters=True,
        summary="Export matching deals as CSV",
        description="Every deal matching the filters (not one page), streamed, with SIPRI-style columns.",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row.")},
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["csv", "json"],
                description="Ignored for data, which is always CSV; errors are always JSON.",
            )
        ],
    )
    def export(self, request):
        deals = self.filter_queryset(selectors.deal_list(request.user))
        # PostgreSQL writes the rows itself when it can (deals/export_copy.py); the same bytes either way.
        lines = export_copy.csv_lines(deals) if export_copy.available(deals) else export.csv_lines(deals)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dealgraph-deals.csv"'
        return response


# Routed by hand (config/api_urls.py) so the path is exactly `deals/export.csv`, with no trailing slash.
deal_export_view = DealViewSet.as_view(
    {"get": "export"}, pagination_class=None, renderer_classes=[JSONRenderer, CSVRenderer]
)
