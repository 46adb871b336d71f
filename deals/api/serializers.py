"""Deal representations: parties, system and evidence in one response, so a client needs no second request."""

from rest_framework import serializers

from actors.api.brief import actor_ref
from core.api.fields import ItemCount, ListLinkField, PageLinkField, StrictSerializerMixin, first_items
from deals import services
from deals.models import DELIVERY_VALUES, MAX_YEAR, MIN_YEAR, Deal, DealMatch, Delivery
from sources.api.brief import CitationInlineSerializer
from sources.api.serializers import CitationFieldsSerializer
from sources.choices import Stance
from systems.api.brief import system_ref

from .brief import DealBriefSerializer, deal_ref


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["year", *DELIVERY_VALUES]


class DealSerializer(DealBriefSerializer):
    html_url = PageLinkField(view_name="explorer:deal")
    delivery_years = serializers.SlugRelatedField(
        source="deliveries", slug_field="year", many=True, read_only=True, help_text="Years with deliveries, ascending."
    )
    # At most one row a year within MIN_YEAR..MAX_YEAR (the delivery_one_row_per_deal_year constraint): bounded.
    deliveries = DeliverySerializer(many=True, read_only=True)
    citations = first_items(CitationInlineSerializer(), limit=20, count_field="citation_count")
    citation_count = ItemCount(source="citations", help_text="How many citations the deal has.")
    citations_url = ListLinkField(
        view_name="citation-list", filter_name="deal", help_text="All the deal's citations, paged."
    )

    class Meta(DealBriefSerializer.Meta):
        fields = [
            "id",
            "url",
            "html_url",
            "uid",
            "supplier",
            "recipient",
            "system",
            "kind",
            "status",
            "year",
            "year_is_estimate",
            "date",
            "date_precision",
            "quantity_ordered",
            "quantity_ordered_is_estimate",
            "quantity_delivered",
            "quantity_delivered_is_estimate",
            "quantity_text",
            "delivery_years",
            "deliveries",
            "condition",
            "value",
            "currency",
            "sipri_id",
            "tiv_per_unit",
            "tiv_total",
            "tiv_delivered",
            "locked_fields",
            "review_status",
            "notes",
            "citations",
            "citation_count",
            "citations_url",
            "created",
            "updated",
        ]


class DeliveryWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["year", *DELIVERY_VALUES]
        extra_kwargs = {"year": {"min_value": MIN_YEAR, "max_value": MAX_YEAR}}
        validators = []  # one row per year is checked by the service, across the whole list


class DealWriteSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    """Body of a create or update. Parties and system by id or slug (actors also by ISO code). On create,
    `citations` may carry the evidence in the same request: all of it is stored, or none."""

    supplier = actor_ref(help_text="Supplier: id, slug or ISO code.")
    recipient = actor_ref(help_text="Recipient: id, slug or ISO code.")
    system = system_ref(help_text="System: id or slug.")
    deliveries = DeliveryWriteSerializer(many=True, required=False, help_text="Delivery rows (replaces the list).")
    citations = CitationFieldsSerializer(
        many=True, required=False, help_text="Evidence, on create only; afterwards use /citations/."
    )

    class Meta:
        model = Deal
        fields = [
            "supplier",
            "recipient",
            "system",
            "kind",
            "status",
            "year",
            "year_is_estimate",
            "date",
            "date_precision",
            "quantity_ordered",
            "quantity_ordered_is_estimate",
            "quantity_delivered",
            "quantity_delivered_is_estimate",
            "quantity_text",
            "condition",
            "value",
            "currency",
            "notes",
            "review_status",
            "locked_fields",
            "deliveries",
            "citations",
        ]
        extra_kwargs = {"year": {"min_value": MIN_YEAR, "max_value": MAX_YEAR}}

    def validate_citations(self, value):
        if self.instance is not None:
            raise serializers.ValidationError("A deal's citations are managed at /api/v1/citations/ once it exists.")
        return value

    def create(self, validated_data):
        return services.deal_create(**validated_data)

    def update(self, instance, validated_data):
        return services.deal_update(deal=instance, **validated_data)


class DealMatchSerializer(serializers.ModelSerializer):
    deal = DealBriefSerializer(source="other", read_only=True, help_text="The matching deal, from another source.")

    class Meta:
        model = DealMatch
        fields = ["deal", "relation", "reason"]


class DealMergeSerializer(StrictSerializerMixin, serializers.Serializer):
    """Body of a merge: the deal to keep, and optionally the stance the moved citations take."""

    into = deal_ref(help_text="The deal to merge this one into (its id); it stays, this one is deleted.")
    stance = serializers.ChoiceField(
        choices=Stance.choices,
        required=False,
        allow_null=True,
        help_text="Stance for every moved citation (e.g. `contradicts` when this deal's source disputes the kept "
        "deal); without it each citation keeps its own.",
    )

    def validate_into(self, value):
        user = self.context["request"].user
        if not Deal.objects.visible_to(user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(f"No deal {value.pk!r}: use its id.")
        return value
