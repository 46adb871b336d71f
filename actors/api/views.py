"""Actor endpoints."""
from core.api.views import ReadOnlyViewSet, SlugOrIdLookupMixin

from .. import selectors
from ..filters import ActorFilterSet
from .serializers import ActorDetailSerializer, ActorSerializer


class ActorViewSet(SlugOrIdLookupMixin, ReadOnlyViewSet):
    """States, organisations, companies, people and groups. Addressable by slug or id."""

    queryset = selectors.actor_list()
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet

    def get_queryset(self):
        return selectors.actor_detail() if self.action == "retrieve" else selectors.actor_list()

    def get_serializer_class(self):
        return ActorDetailSerializer if self.action == "retrieve" else ActorSerializer
