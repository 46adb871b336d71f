"""The shape of a statistics page, for the OpenAPI schema (the view builds the data itself, from grouped rows)."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer
from systems.api.brief import CategoryBriefSerializer, SystemBriefSerializer

from ..selectors import DIMENSIONS, Measure

BRIEFS = {"Actor": ActorBriefSerializer, "System": SystemBriefSerializer, "Category": CategoryBriefSerializer}


def stats_page(measure: Measure):
    name = measure.name.title()
    groups = {
        dimension.name: (
            serializers.IntegerField(allow_null=True, required=False, help_text=dimension.help_text)
            if dimension.model is None
            else BRIEFS[dimension.model.__name__](required=False, help_text=dimension.help_text)
        )
        for dimension in DIMENSIONS[measure.name].values()
    }
    tiv = {"help_text": "Sum of SIPRI TIV, in millions, three decimals; null when none is known.", "allow_null": True}
    row = inline_serializer(
        f"{name}StatsRow",
        {
            **groups,
            "tiv": serializers.DecimalField(max_digits=24, decimal_places=3, **tiv),
            "share": serializers.FloatField(allow_null=True, help_text="Fraction of the total TIV, 0 to 1."),
            "units": serializers.IntegerField(allow_null=True, help_text="Units, where their number is known."),
            "deals": serializers.IntegerField(help_text="Distinct deals."),
        },
        many=True,
        help_text="One group: the `by` dimensions present, then the measures. " + measure.help_text,
    )
    total = {
        "tiv": serializers.DecimalField(max_digits=24, decimal_places=3, **tiv),
        "units": serializers.IntegerField(allow_null=True),
        "deals": serializers.IntegerField(),
    }
    if measure.name == "deliveries":
        total["unallocated_tiv"] = serializers.DecimalField(
            max_digits=24,
            decimal_places=3,
            allow_null=True,
            help_text="TIV delivered by these deals in these years that the sources do not split by year.",
        )
    return inline_serializer(
        f"{name}StatsPage",
        {
            "count": serializers.IntegerField(help_text="Number of groups."),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "by": serializers.ListField(child=serializers.CharField()),
            "total": inline_serializer(f"{name}StatsTotal", total),
            "results": row,
        },
    )
