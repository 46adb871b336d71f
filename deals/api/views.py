"""Deal endpoints: the filterable list, one deal, and the CSV export."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer

from core.api.renderers import CSVRenderer
from core.api.views import CurationViewSet

from .. import export, export_copy, selectors
from ..filters import DealFilterSet
from .serializers import DealSerializer, DealWriteSerializer


class DealViewSet(CurationViewSet):
    """Deals: one per supplier, recipient and system, each with its evidence inline."""

    serializer_class = DealSerializer
    write_serializer_class = DealWriteSerializer
    filterset_class = DealFilterSet

    def get_queryset(self):
        return selectors.deals_visible_to(self.request.user)

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
