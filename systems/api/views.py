"""Weapon system endpoints."""
from core.api.views import ReadOnlyViewSet, SlugOrIdLookupMixin

from .. import selectors
from ..filters import SystemFilterSet
from .serializers import SystemDetailSerializer, SystemSerializer


class SystemViewSet(SlugOrIdLookupMixin, ReadOnlyViewSet):
    """Weapon systems and generic entries, with SIPRI category, producer, origin and variants."""

    queryset = selectors.system_list()
    serializer_class = SystemSerializer
    filterset_class = SystemFilterSet

    def get_queryset(self):
        return selectors.system_detail() if self.action == "retrieve" else selectors.system_list()

    def get_serializer_class(self):
        return SystemDetailSerializer if self.action == "retrieve" else SystemSerializer
