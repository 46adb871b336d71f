"""The caller's own API tokens: list them, revoke one. New tokens are made by an operator (`createcurator`)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response

from .. import selectors, services
from .serializers import ApiTokenSerializer

KEY = OpenApiParameter(
    "token_key", str, OpenApiParameter.PATH, description="The token's `token_key`, as the list shows it."
)


@extend_schema_view(
    list=extend_schema(summary="Your API tokens, without their secrets (at most 25, so never paged)."),
    destroy=extend_schema(summary="Revoke one of your API tokens; it stops working at once.", parameters=[KEY]),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None
    filter_backends = []
    lookup_field = "token_key"
    lookup_value_regex = "[^/]{1,40}"

    def get_queryset(self):
        return selectors.live_tokens_of(self.request.user)

    def destroy(self, request, *args, **kwargs):
        if not services.token_revoke(user=request.user, token_key=kwargs["token_key"]):
            raise Http404("You hold no token with this key.")
        return Response(status=status.HTTP_204_NO_CONTENT)
