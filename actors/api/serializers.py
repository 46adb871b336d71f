"""Actor representations for the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors import services
from actors.models import Actor, ActorAlias, Membership
from core.api.fields import ItemCount, ListLinkField, PageLinkField, StrictSerializerMixin, first_items

from .brief import ActorBriefSerializer, actor_ref


class ActorAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ["name", "kind"]


class GroupMembershipSerializer(serializers.ModelSerializer):
    """A group the actor belongs or belonged to, with the years."""

    group = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["group", "year_from", "year_to"]


class MemberSerializer(serializers.ModelSerializer):
    """A member of a group, with the years."""

    member = ActorBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["member", "year_from", "year_to"]


class ActorSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="actor-detail", lookup_field="slug")
    html_url = PageLinkField(view_name="explorer:actor", lookup_field="slug")
    part_of = ActorBriefSerializer(read_only=True, allow_null=True)
    aliases = first_items(ActorAliasSerializer(), limit=50, count_field="alias_count")
    alias_count = ItemCount(source="aliases", help_text="How many other names the actor has.")

    class Meta:
        model = Actor
        fields = [
            "id",
            "url",
            "html_url",
            "slug",
            "name",
            "kind",
            "iso2",
            "iso3",
            "iso_former",
            "part_of",
            "office",
            "valid_from",
            "valid_to",
            "aliases",
            "alias_count",
            "notes",
            "created",
            "updated",
        ]


class ActorDetailSerializer(ActorSerializer):
    successors = first_items(ActorBriefSerializer(), limit=50, count_field="successor_count")
    successor_count = ItemCount(source="successors", help_text="How many states succeeded this one.")
    predecessors = first_items(ActorBriefSerializer(), limit=50, count_field="predecessor_count")
    predecessor_count = ItemCount(source="predecessors", help_text="How many states this one succeeded.")
    parts = first_items(ActorBriefSerializer(), limit=50, count_field="part_count")
    part_count = ItemCount(source="parts", help_text="How many actors are part of this one.")
    parts_url = ListLinkField(
        view_name="actor-list", filter_name="part_of", help_text="All the actors that are part of this one, paged."
    )
    member_of = first_items(GroupMembershipSerializer(), limit=50, count_field="member_of_count")
    member_of_count = ItemCount(source="member_of", help_text="How many memberships of groups the actor has had.")
    members = first_items(MemberSerializer(), limit=50, count_field="member_count", source="memberships")
    member_count = ItemCount(source="memberships", help_text="How many memberships the group has had.")
    members_url = ListLinkField(
        view_name="actor-list", filter_name="member_of", help_text="All the actors ever members of this one, paged."
    )
    deal_counts = serializers.SerializerMethodField()

    class Meta(ActorSerializer.Meta):
        fields = ActorSerializer.Meta.fields + [
            "successors",
            "successor_count",
            "predecessors",
            "predecessor_count",
            "parts",
            "part_count",
            "parts_url",
            "member_of",
            "member_of_count",
            "members",
            "member_count",
            "members_url",
            "deal_counts",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Deals visible to the caller with this actor on each side.",
            "properties": {"as_supplier": {"type": "integer"}, "as_recipient": {"type": "integer"}},
            "required": ["as_supplier", "as_recipient"],
        }
    )
    def get_deal_counts(self, actor):
        user = self.context["request"].user
        return {
            "as_supplier": actor.deals_supplied.visible_to(user).count(),
            "as_recipient": actor.deals_received.visible_to(user).count(),
        }


class ActorWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Body of a create or update; relations by id, slug or ISO code. Omit `slug` to derive it from the name."""

    slug = serializers.SlugField(max_length=120, required=False, help_text="URL name; derived from `name` if omitted.")
    part_of = actor_ref(required=False, allow_null=True, help_text="The actor this one belongs to.")
    successors = serializers.ListField(
        child=actor_ref(),
        required=False,
        max_length=100,
        help_text="States that succeeded this one (replaces the list).",
    )
    aliases = ActorAliasSerializer(many=True, required=False, help_text="Other names (replaces the list).")

    class Meta:
        model = Actor
        fields = [
            "slug",
            "name",
            "kind",
            "iso2",
            "iso3",
            "iso_former",
            "part_of",
            "office",
            "valid_from",
            "valid_to",
            "notes",
            "successors",
            "aliases",
        ]
        extra_kwargs = {f: {"allow_null": True, "required": False} for f in ("iso2", "iso3", "iso_former")}

    def validate(self, attrs):
        for code in ("iso2", "iso3", "iso_former"):
            if attrs.get(code) == "":
                attrs[code] = None
        return attrs

    def create(self, validated_data):
        return services.actor_create(**validated_data)

    def update(self, instance, validated_data):
        return services.actor_update(actor=instance, **validated_data)
