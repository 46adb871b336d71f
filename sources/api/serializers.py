"""Source and citation representations for the API."""
from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer
from deals.api.brief import DealBriefSerializer
from sources.models import Citation, Source
from systems.api.brief import SystemBriefSerializer

from .brief import SourceBriefSerializer


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="source-detail")
    link = serializers.CharField(source="url", read_only=True, help_text="Where the source itself can be read.")

    class Meta:
        model = Source
        fields = [
            "id", "url", "uid", "kind", "title", "subtitle", "link", "publisher", "authors", "published_on",
            "retrieved_on", "language", "photo_credit", "photo_caption", "scope", "notes", "created", "updated",
        ]


class CitationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="citation-detail")
    source = SourceBriefSerializer(read_only=True)
    deal = DealBriefSerializer(read_only=True, allow_null=True)
    actor = ActorBriefSerializer(read_only=True, allow_null=True)
    system = SystemBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = [
            "id", "url", "uid", "quote", "locator", "stance", "hedge", "hedge_text", "note", "source",
            "deal", "actor", "system", "created", "updated",
        ]


class SourceCitationSerializer(CitationSerializer):
    """A citation listed under its source: the record it supports, without repeating the source."""

    class Meta(CitationSerializer.Meta):
        fields = [f for f in CitationSerializer.Meta.fields if f != "source"]


class SourceDetailSerializer(SourceSerializer):
    citations = SourceCitationSerializer(
        source="visible_citations", many=True, read_only=True, help_text="The records this source supports or contradicts."
    )

    class Meta(SourceSerializer.Meta):
        fields = SourceSerializer.Meta.fields + ["text", "citations"]
