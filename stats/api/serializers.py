"""The shape of the statistics answers, for the OpenAPI schema (the views build the data from grouped rows)."""

from functools import cache

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from actors.api.brief import ActorBriefSerializer
from systems.api.brief import CategoryBriefSerializer, SystemBriefSerializer

from ..selectors import DELIVERIES, DIMENSIONS, ORDERS, Measure

BRIEFS = {"Actor": ActorBriefSerializer, "System": SystemBriefSerializer, "Category": CategoryBriefSerializer}
MEASURES = {measure.name: measure for measure in (DELIVERIES, ORDERS)}
TIV_HELP = "Sum of SIPRI TIV, in millions, three decimals; null when none is known."


def _tiv(help_text: str = TIV_HELP):
    return serializers.DecimalField(max_digits=24, decimal_places=3, allow_null=True, help_text=help_text)


@cache
def _row(name: str) -> type:
    """The class of one group's row: made once, so every use of it is one component in the schema."""
    measure = MEASURES[name]
    groups = {
        dimension.name: (
            serializers.IntegerField(allow_null=True, required=False, help_text=dimension.help_text)
            if dimension.model is None
            else BRIEFS[dimension.model.__name__](required=False, help_text=dimension.help_text)
        )
        for dimension in DIMENSIONS[measure.name].values()
    }
    return type(
        inline_serializer(
            f"{measure.name.title()}StatsRow",
            {
                **groups,
                "tiv": _tiv(),
                "share": serializers.FloatField(allow_null=True, help_text="Fraction of the total TIV, 0 to 1."),
                "units": serializers.IntegerField(allow_null=True, help_text="Units, where their number is known."),
                "deals": serializers.IntegerField(help_text="Distinct deals."),
            },
        )
    )


def _rows(measure: Measure, help_text: str):
    return _row(measure.name)(
        many=True, help_text=f"{help_text} Each group holds its `by` dimensions, then the measures. {measure.help_text}"
    )


def _total(measure: Measure):
    return _total_class(measure.name)()


@cache
def _total_class(name: str) -> type:
    measure = MEASURES[name]
    fields = {"tiv": _tiv(), "units": serializers.IntegerField(allow_null=True), "deals": serializers.IntegerField()}
    if measure is DELIVERIES:
        fields["unallocated_tiv"] = _tiv("TIV delivered by these deals in these years that the sources do not split.")
    return type(inline_serializer(f"{measure.name.title()}StatsTotal", fields))


def stats_page(measure: Measure):
    return inline_serializer(
        f"{measure.name.title()}StatsPage",
        {
            "count": serializers.IntegerField(help_text="Number of groups."),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "by": serializers.ListField(child=serializers.CharField()),
            "total": _total(measure),
            "results": _rows(measure, "One page of groups."),
        },
    )


@cache
def _profile_side() -> type:
    return type(
        inline_serializer(
            "ProfileSide",
            {
                "total": _total(DELIVERIES),
                "by_year": _rows(DELIVERIES, "By delivery year, earliest first."),
                "partners": _rows(DELIVERIES, "The top ten partners, by TIV."),
                "categories": _rows(DELIVERIES, "The top ten armament categories, by TIV."),
            },
        )
    )


def profile_schema():
    return inline_serializer(
        "ActorProfile",
        {
            "actor": ActorBriefSerializer(),
            "delivered_from": serializers.IntegerField(allow_null=True),
            "delivered_to": serializers.IntegerField(allow_null=True),
            "imports": _profile_side()(help_text="What the actor received."),
            "exports": _profile_side()(help_text="What the actor supplied."),
        },
    )
