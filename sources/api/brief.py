"""Brief forms of sources and citations, nested under the records they support, and the reference to a source."""

from rest_framework import serializers

from core.api.fields import RefField
from sources.models import Citation, Source


class SourceBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="source-detail")
    link = serializers.CharField(source="url", read_only=True, help_text="Where the source itself can be read.")

    class Meta:
        model = Source
        fields = ["id", "url", "kind", "title", "publisher", "published_on", "link"]


class CitationInlineSerializer(serializers.ModelSerializer):
    """A citation as it appears inside the record it supports."""

    url = serializers.HyperlinkedIdentityField(view_name="citation-detail")
    source = SourceBriefSerializer(read_only=True)

    class Meta:
        model = Citation
        fields = ["id", "url", "quote", "locator", "stance", "hedge", "hedge_text", "note", "source"]


def source_ref(**kwargs) -> RefField:
    return RefField(noun="source", queryset=Source.objects.all(), text_lookups=(), **kwargs)
