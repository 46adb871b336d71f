"""Source and citation endpoints."""
from core.api.views import ReadOnlyViewSet

from .. import selectors
from ..filters import CitationFilterSet, SourceFilterSet
from .serializers import CitationSerializer, SourceDetailSerializer, SourceSerializer


class SourceViewSet(ReadOnlyViewSet):
    """News articles and dataset releases; a source's detail lists the records it bears on."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.source_detail(self.request.user)
        return selectors.source_list()

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == "retrieve" else SourceSerializer


class CitationViewSet(ReadOnlyViewSet):
    """Verbatim quotes tying a source to a deal, an actor or a system."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet

    def get_queryset(self):
        return selectors.citation_list(self.request.user)
