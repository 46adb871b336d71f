"""Deal endpoints: the filterable list, one deal, and the CSV export."""
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api.fast import links_for
from core.api.filters import asks_for_filters
from core.api.renderers import CSVRenderer
from core.api.views import CurationViewSet, representation_etag

from .. import export, export_copy, selectors
from ..filters import DealFilterSet
from . import rows
from .serializers import DealSerializer, DealWriteSerializer


class DealViewSet(CurationViewSet):
    """Deals: one per supplier, recipient and system, each with its evidence inline."""

    serializer_class = DealSerializer
    write_serializer_class = DealWriteSerializer
    filterset_class = DealFilterSet

    def get_queryset(self):
        # The permission check asks for it too, only to learn the model: build it once per request.
        if getattr(self, "_deals", None) is None:
            user = self.request.user
            # Reads from rows select their own columns: the instances' joins and prefetches would go unused.
            from_rows = self.action in ("list", "retrieve") and rows.representation_matches()
            self._deals = selectors.deals_visible_to(user) if from_rows else selectors.deal_list(user)
        return self._deals.all()

    # Reads build the representation from rows (deals/api/rows.py) while it matches DealSerializer's.
    def uncached_list(self, request, *args, **kwargs):
        if not rows.representation_matches():
            return super().uncached_list(request, *args, **kwargs)
        # Unfiltered, the page's plan is the same whatever the cursor or page: it may be prepared.
        unfiltered = not asks_for_filters(request, self.filterset_class)
        queryset = rows.representing(self.filter_queryset(self.get_queryset()), self.links(), one=unfiltered)
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(list(queryset))
        return self.get_paginated_response(page)

    def uncached_retrieve(self, request, *args, **kwargs):
        if not rows.representation_matches():
            return super().uncached_retrieve(request, *args, **kwargs)
        queryset = rows.representing(self.filter_queryset(self.get_queryset()), self.links(), one=True)
        deal = get_object_or_404(queryset, pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(request, deal)
        response = Response(deal)
        response["ETag"] = representation_etag(deal)
        return response

    def links(self):
        return links_for({"request": self.request, "format": self.format_kwarg})

    @extend_schema(
        filters=True,
        summary="Export matching deals as CSV",
        description="Every deal matching the filters (not one page), streamed, with SIPRI-style columns.",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV with a header row.")},
        parameters=[OpenApiParameter(
            "format", str, enum=["csv", "json"],
            description="Ignored for data, which is always CSV; errors are always JSON.",
        )],
    )
    def export(self, request):
        deals = self.filter_queryset(self.get_queryset())
        # PostgreSQL writes the rows itself when it can (deals/export_copy.py); the same bytes either way.
        lines = export_copy.csv_lines(deals) if export_copy.available(deals) else export.csv_lines(deals)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="dealgraph-deals.csv"'
        return response


# Routed by hand (config/api_urls.py) so the path is exactly `deals/export.csv`, with no trailing slash.
deal_export_view = DealViewSet.as_view(
    {"get": "export"}, pagination_class=None, renderer_classes=[JSONRenderer, CSVRenderer]
)
