"""Citation representations for the API: the quote, its source and the record it supports."""

from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer, actor_ref
from deals.api.brief import DealBriefSerializer, deal_ref
from sources.api.brief import SourceBriefSerializer
from sources.api.serializers import CitationFieldsSerializer
from sources.models import Citation
from systems.api.brief import SystemBriefSerializer, system_ref

from .. import services


class CitationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="citation-detail")
    source = SourceBriefSerializer(read_only=True)
    deal = DealBriefSerializer(read_only=True, allow_null=True)
    actor = ActorBriefSerializer(read_only=True, allow_null=True)
    system = SystemBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = [
            "id",
            "url",
            "uid",
            "quote",
            "locator",
            "stance",
            "hedge",
            "hedge_text",
            "note",
            "source",
            "deal",
            "actor",
            "system",
            "created",
            "updated",
        ]


class CitationWriteSerializer(CitationFieldsSerializer):
    """Body of a citation create or update: name exactly one of `deal`, `actor` or `system`."""

    deal = deal_ref(required=False, allow_null=True, help_text="Deal id.")
    actor = actor_ref(required=False, allow_null=True, help_text="Actor id, slug or ISO code.")
    system = system_ref(required=False, allow_null=True, help_text="System id or slug.")

    class Meta(CitationFieldsSerializer.Meta):
        fields = CitationFieldsSerializer.Meta.fields + ["deal", "actor", "system"]

    def create(self, validated_data):
        return services.citation_create(**validated_data)

    def update(self, instance, validated_data):
        return services.citation_update(citation=instance, **validated_data)
