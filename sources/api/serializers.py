"""Source representations for the API, and the fields of a citation given inline with the record it supports."""

from rest_framework import serializers

from core.api.fields import ListLinkField, PageLinkField, StrictSerializerMixin
from sources import services
from sources.models import Citation, Source

from .brief import source_ref


class SourceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="source-detail")
    html_url = PageLinkField(view_name="explorer:source")
    link = serializers.CharField(source="url", read_only=True, help_text="Where the source itself can be read.")

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "html_url",
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


class SourceDetailSerializer(SourceSerializer):
    citations_url = ListLinkField(
        view_name="citation-list",
        filter_name="source",
        help_text="The citations quoting this source, paged: the records it supports or contradicts.",
    )

    class Meta(SourceSerializer.Meta):
        fields = SourceSerializer.Meta.fields + ["text", "citations_url"]


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
