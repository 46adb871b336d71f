"""Intake endpoints: post an article, list the proposals awaiting review, and decide on a draft."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api.filters import StrictFilterBackend
from deals.api.serializers import DealSerializer
from deals.models import Deal

from .. import selectors, services
from ..filters import ProposalFilterSet
from ..models import Decision
from .serializers import IntakeRequestSerializer, IntakeResponseSerializer, ProposalSerializer

CURATOR_PERMISSIONS = ("sources.add_source", "deals.add_deal", "deals.change_deal", "deals.delete_deal")


class IsCurator(permissions.IsAuthenticated):
    """Intake writes sources and deals and decides on drafts: a curator's work."""

    message = "Intake is for curators: it needs permission to add sources and to add, change and delete deals."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perms(CURATOR_PERMISSIONS)


class IntakeView(ListAPIView):
    """Read an article into draft deals (POST), or list the proposals intake has made (GET), newest first."""

    permission_classes = [IsCurator]
    refuses_bad_parameters = True
    serializer_class = ProposalSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ProposalFilterSet

    def get_queryset(self):
        return selectors.proposal_list().order_by("-intake__created", "-intake_id", "position")

    def get_serializer_class(self):
        return IntakeRequestSerializer if self.request.method == "POST" else ProposalSerializer

    @extend_schema(
        summary="Read an article into draft deals",
        request=IntakeRequestSerializer,
        responses={
            201: IntakeResponseSerializer,
            200: OpenApiResponse(IntakeResponseSerializer, description="The same article was read before."),
        },
    )
    def post(self, request):
        body = IntakeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        intake, created = services.intake_article(user=request.user, **body.validated_data)
        proposals = self.get_queryset().filter(intake=intake).order_by("position")
        data = {
            "source": intake.source_id,
            "source_url": reverse("source-detail", args=[intake.source_id], request=request),
            "created": created,
            "proposals": ProposalSerializer(proposals, many=True, context=self.get_serializer_context()).data,
        }
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DraftDecisionView(GenericAPIView):
    """A curator's decision on one draft deal."""

    permission_classes = [IsCurator]
    refuses_bad_parameters = True
    serializer_class = DealSerializer

    def draft(self) -> Deal:
        deal = Deal.objects.select_for_update().filter(pk=self.kwargs["pk"]).first()
        if deal is None:
            raise NotFound(f"No deal with id {self.kwargs['pk']}.")
        return deal


class AcceptView(DraftDecisionView):
    @extend_schema(summary="Accept a draft deal: it becomes reviewed, with its citations", request=None)
    def post(self, request, pk):
        with transaction.atomic():
            deal = services.deal_accept(deal=self.draft(), user=request.user)
        return Response({"id": deal.pk, "review_status": "reviewed", "decision": Decision.ACCEPTED})


class RejectView(DraftDecisionView):
    @extend_schema(summary="Reject a draft deal: it is deleted, its source and the decision stay", request=None)
    def post(self, request, pk):
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        if not isinstance(reason, str) or len(reason) > 80:
            raise ValidationError({"reason": ["A short text, at most 80 characters."]})
        with transaction.atomic():
            proposal = services.deal_reject(deal=self.draft(), user=request.user, reason=reason)
        return Response(
            {"id": int(pk), "deleted": True, "decision": Decision.REJECTED, "proposal": proposal and proposal.pk}
        )
