"""Deal representations: parties, system and evidence in one response, so a client needs no second request."""
from rest_framework import serializers

from deals.models import Deal, Delivery
from sources.api.brief import CitationInlineSerializer

from .brief import DealBriefSerializer


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = ["year", "year_is_estimate", "quantity", "quantity_is_estimate"]


class DealSerializer(DealBriefSerializer):
    delivery_years = serializers.SerializerMethodField(help_text="Years with deliveries, ascending.")
    deliveries = DeliverySerializer(many=True, read_only=True)
    citations = CitationInlineSerializer(many=True, read_only=True)

    class Meta(DealBriefSerializer.Meta):
        fields = [
            "id", "url", "uid", "supplier", "recipient", "system", "kind", "status", "year", "year_is_estimate",
            "date", "date_precision", "quantity_ordered", "quantity_ordered_is_estimate", "quantity_delivered",
            "quantity_delivered_is_estimate", "quantity_text", "delivery_years", "deliveries", "condition",
            "value", "currency", "review_status", "notes", "citations", "created", "updated",
        ]

    def get_delivery_years(self, deal) -> list[int]:
        return [d.year for d in deal.deliveries.all()]
