"""Actor representations for the API."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor, ActorAlias
from deals.selectors import deals_visible_to

from .brief import ActorBriefSerializer


class ActorAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ["name", "kind"]


class ActorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="actor-detail", lookup_field="slug")
    part_of = ActorBriefSerializer(read_only=True)
    aliases = ActorAliasSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "id", "url", "slug", "name", "kind", "iso2", "iso3", "iso_former", "part_of", "office",
            "valid_from", "valid_to", "aliases", "notes", "created", "updated",
        ]


class ActorDetailSerializer(ActorSerializer):
    successors = ActorBriefSerializer(many=True, read_only=True)
    predecessors = ActorBriefSerializer(many=True, read_only=True)
    parts = ActorBriefSerializer(many=True, read_only=True)
    deal_counts = serializers.SerializerMethodField()

    class Meta(ActorSerializer.Meta):
        fields = ActorSerializer.Meta.fields + ["successors", "predecessors", "parts", "deal_counts"]

    @extend_schema_field({
        "type": "object", "description": "Deals visible to the caller with this actor on each side.",
        "properties": {"as_supplier": {"type": "integer"}, "as_recipient": {"type": "integer"}},
        "required": ["as_supplier", "as_recipient"],
    })
    def get_deal_counts(self, actor):
        deals = deals_visible_to(self.context["request"].user)
        return {
            "as_supplier": deals.filter(supplier=actor).count(),
            "as_recipient": deals.filter(recipient=actor).count(),
        }
