"""Weapon system representations for the API."""
from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer
from systems.models import Category, System, SystemAlias

from .brief import SystemBriefSerializer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class SystemAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = SystemAlias
        fields = ["name", "kind"]


class SystemSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="system-detail", lookup_field="slug")
    category = CategorySerializer(read_only=True)
    producer = ActorBriefSerializer(read_only=True)
    origin = ActorBriefSerializer(read_only=True)
    variant_of = SystemBriefSerializer(read_only=True)
    aliases = SystemAliasSerializer(many=True, read_only=True)

    class Meta:
        model = System
        fields = [
            "id", "url", "slug", "designation", "name", "description", "category", "producer", "origin",
            "variant_of", "is_generic", "aliases", "notes", "created", "updated",
        ]


class SystemDetailSerializer(SystemSerializer):
    variants = SystemBriefSerializer(many=True, read_only=True)

    class Meta(SystemSerializer.Meta):
        fields = SystemSerializer.Meta.fields + ["variants"]
