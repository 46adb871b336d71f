"""Actor endpoints."""

from core.api.views import CurationViewSet, SlugOrIdLookupMixin

from .. import selectors
from ..filters import ActorFilterSet
from .serializers import ActorDetailSerializer, ActorSerializer, ActorWriteSerializer


class ActorViewSet(SlugOrIdLookupMixin, CurationViewSet):
    """States, organisations, companies, people and groups. Addressable by slug or id."""

    serializer_class = ActorSerializer
    detail_serializer_class = ActorDetailSerializer
    write_serializer_class = ActorWriteSerializer
    filterset_class = ActorFilterSet

    def get_queryset(self):
        return selectors.actor_list() if self.action == "list" else selectors.actor_detail()
