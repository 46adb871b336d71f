"""Weapon system representations for the API."""

from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer, actor_ref
from core.api.fields import StrictSerializerMixin
from systems import services
from systems.models import Category, System, SystemAlias

from .brief import SystemBriefSerializer, category_ref, system_ref


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
    producer = ActorBriefSerializer(read_only=True, allow_null=True)
    origin = ActorBriefSerializer(read_only=True, allow_null=True)
    variant_of = SystemBriefSerializer(read_only=True, allow_null=True)
    aliases = SystemAliasSerializer(many=True, read_only=True)

    class Meta:
        model = System
        fields = [
            "id",
            "url",
            "slug",
            "designation",
            "name",
            "description",
            "category",
            "producer",
            "origin",
            "variant_of",
            "is_generic",
            "aliases",
            "notes",
            "created",
            "updated",
        ]


class SystemDetailSerializer(SystemSerializer):
    variants = SystemBriefSerializer(many=True, read_only=True)

    class Meta(SystemSerializer.Meta):
        fields = SystemSerializer.Meta.fields + ["variants"]


class SystemWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Body of a create or update; relations by id or slug (actors also by ISO code)."""

    slug = serializers.SlugField(
        max_length=120, required=False, help_text="URL name; derived from the designation (or name) if omitted."
    )
    category = category_ref(help_text="SIPRI armament category slug, e.g. `aircraft`.")
    producer = actor_ref(required=False, allow_null=True, help_text="Designer or maker.")
    origin = actor_ref(required=False, allow_null=True, help_text="State the system comes from.")
    variant_of = system_ref(required=False, allow_null=True, help_text="The base system.")
    aliases = SystemAliasSerializer(many=True, required=False, help_text="Other names (replaces the list).")

    class Meta:
        model = System
        fields = [
            "slug",
            "designation",
            "name",
            "description",
            "category",
            "producer",
            "origin",
            "variant_of",
            "is_generic",
            "notes",
            "aliases",
        ]

    def create(self, validated_data):
        return services.system_create(**validated_data)

    def update(self, instance, validated_data):
        return services.system_update(system=instance, **validated_data)
