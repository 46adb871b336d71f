"""Source endpoints."""

from core.api.views import CurationViewSet

from .. import selectors
from ..filters import SourceFilterSet
from .serializers import SourceDetailSerializer, SourceSerializer, SourceWriteSerializer


class SourceViewSet(CurationViewSet):
    """News articles and dataset releases; a source's detail links to the citations that quote it."""

    serializer_class = SourceSerializer
    detail_serializer_class = SourceDetailSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilterSet

    def get_queryset(self):
        return selectors.source_list() if self.action == "list" else selectors.source_detail()
