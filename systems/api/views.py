"""Weapon system endpoints."""

from core.api.views import CurationViewSet, SlugOrIdLookupMixin

from .. import selectors
from ..filters import SystemFilterSet
from .serializers import SystemDetailSerializer, SystemSerializer, SystemWriteSerializer


class SystemViewSet(SlugOrIdLookupMixin, CurationViewSet):
    """Weapon systems and generic entries, with SIPRI category, producer, origin and variants."""

    serializer_class = SystemSerializer
    detail_serializer_class = SystemDetailSerializer
    write_serializer_class = SystemWriteSerializer
    filterset_class = SystemFilterSet

    def get_queryset(self):
        user = self.request.user
        return selectors.system_list(user) if self.action == "list" else selectors.system_detail(user)
