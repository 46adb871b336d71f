"""Source and citation representations for the API."""

from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer, actor_ref
from core.api.fields import StrictSerializerMixin
from deals.api.brief import DealBriefSerializer, deal_ref
from sources import services
from sources.models import Citation, Source
from systems.api.brief import SystemBriefSerializer, system_ref

from .brief import SourceBriefSerializer, source_ref


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="source-detail")
    link = serializers.CharField(source="url", read_only=True, help_text="Where the source itself can be read.")

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "uid",
            "kind",
            "title",
            "subtitle",
            "link",
            "publisher",
            "authors",
            "published_on",
            "retrieved_on",
            "language",
            "photo_credit",
            "photo_caption",
            "scope",
            "notes",
            "created",
            "updated",
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


class SourceCitationSerializer(CitationSerializer):
    """A citation listed under its source: the record it supports, without repeating the source."""

    class Meta(CitationSerializer.Meta):
        fields = [f for f in CitationSerializer.Meta.fields if f != "source"]


class SourceDetailSerializer(SourceSerializer):
    citations = SourceCitationSerializer(
        source="visible_citations",
        many=True,
        read_only=True,
        help_text="The records this source supports or contradicts.",
    )

    class Meta(SourceSerializer.Meta):
        fields = SourceSerializer.Meta.fields + ["text", "citations"]


class SourceWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    link = serializers.URLField(
        source="url",
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Where the source itself can be read.",
    )

    class Meta:
        model = Source
        fields = [
            "kind",
            "title",
            "subtitle",
            "link",
            "publisher",
            "authors",
            "published_on",
            "retrieved_on",
            "language",
            "photo_credit",
            "photo_caption",
            "scope",
            "text",
            "notes",
        ]
        validators = []  # the unique-URL rule is conditional; the service's model validation applies it

    def create(self, validated_data):
        return services.source_create(**validated_data)

    def update(self, instance, validated_data):
        return services.source_update(source=instance, **validated_data)


class CitationFieldsSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """A citation's own fields, as given inline when a deal is created with its evidence."""

    source = source_ref(help_text="Source id.")

    class Meta:
        model = Citation
        fields = ["source", "quote", "locator", "stance", "hedge", "hedge_text", "note"]


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
