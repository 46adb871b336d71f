"""Citation endpoints."""

from django.core.exceptions import ValidationError
from rest_framework import exceptions

from core.api.views import CurationViewSet

from .. import selectors, services
from ..filters import CitationFilterSet
from .serializers import CitationSerializer, CitationWriteSerializer


class EvidenceNeeded(exceptions.APIException):
    """A DELETE the request cannot fix: the citation is well addressed, but the state of its deal forbids it,
    as with a record others still depend on (also a 409)."""

    status_code = 409
    default_code = "evidence_needed"


class CitationViewSet(CurationViewSet):
    """Verbatim quotes tying a source to a deal, an actor or a system."""

    serializer_class = CitationSerializer
    write_serializer_class = CitationWriteSerializer
    filterset_class = CitationFilterSet

    def get_queryset(self):
        return selectors.citation_list(self.request.user)

    def perform_destroy(self, instance):
        try:
            services.citation_delete(citation=instance)
        except ValidationError as error:
            raise EvidenceNeeded(" ".join(error.messages)) from error
