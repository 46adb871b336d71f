"""Weapon system representations for the API."""

from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer, actor_ref
from core.api.fields import ItemCount, ListLinkField, PageLinkField, StrictSerializerMixin, first_items
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
    html_url = PageLinkField(view_name="explorer:system", lookup_field="slug")
    category = CategorySerializer(read_only=True)
    producer = ActorBriefSerializer(read_only=True, allow_null=True)
    origin = ActorBriefSerializer(read_only=True, allow_null=True)
    variant_of = SystemBriefSerializer(read_only=True, allow_null=True)
    aliases = first_items(SystemAliasSerializer(), limit=50, count_field="alias_count")
    alias_count = ItemCount(source="aliases", help_text="How many other names the system has.")

    class Meta:
        model = System
        fields = [
            "id",
            "url",
            "html_url",
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
            "alias_count",
            "notes",
            "review_status",
            "created",
            "updated",
        ]


class SystemDetailSerializer(SystemSerializer):
    variants = first_items(SystemBriefSerializer(), limit=50, count_field="variant_count")
    variant_count = ItemCount(source="variants", help_text="How many direct variants the system has.")
    variants_url = ListLinkField(
        view_name="system-list", filter_name="variant_of", help_text="All the system's direct variants, paged."
    )

    class Meta(SystemSerializer.Meta):
        fields = SystemSerializer.Meta.fields + ["variants", "variant_count", "variants_url"]


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
            "review_status",
            "aliases",
        ]

    def create(self, validated_data):
        return services.system_create(**validated_data)

    def update(self, instance, validated_data):
        return services.system_update(system=instance, **validated_data)
