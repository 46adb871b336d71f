"""The brief form of a deal, nested under the citations and sources that support it, and the reference to a deal."""

from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer
from core.api.fields import RefField
from deals.models import Deal
from systems.api.brief import SystemBriefSerializer


class DealBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="deal-detail")
    supplier = ActorBriefSerializer(read_only=True)
    recipient = ActorBriefSerializer(read_only=True)
    system = SystemBriefSerializer(read_only=True)

    class Meta:
        model = Deal
        fields = ["id", "url", "supplier", "recipient", "system", "kind", "status", "year", "review_status"]


def deal_ref(**kwargs) -> RefField:
    return RefField(noun="deal", queryset=Deal.objects.all(), text_lookups=(), **kwargs)
