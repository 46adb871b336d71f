"""The compiled read path and the orjson renderer answer exactly what DRF's own serializers and renderer would."""
import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from actors.api.serializers import ActorDetailSerializer
from actors.models import Actor
from core.api import fast
from core.api.fast import FastReadMixin
from core.api.renderers import FastJSONRenderer
from deals.api import rows
from deals.models import Deal, Delivery
from sources.api.serializers import CitationSerializer
from sources.models import Citation, Source

from .factories import make_deals

pytestmark = pytest.mark.django_db

DEAL_URLS = [
    "/api/v1/deals/?page_size=500",
    "/api/v1/deals/?page_size=500&format=json",
    "/api/v1/deals.json?page_size=500&recipient=serbia",
    "/api/v1/deals/?cursor=&page_size=7&ordering=-id",
    "/api/v1/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022",
]
OTHER_URLS = [
    "/api/v1/actors/?page_size=500", "/api/v1/actors/serbia/", "/api/v1/systems/?page_size=500",
    "/api/v1/systems/mig-29/", "/api/v1/sources/", "/api/v1/citations/?page_size=500",
]


@pytest.fixture
def drf_only(monkeypatch):
    """Switches the compiled path off, so the same request shows what DRF alone answers."""
    def switch():
        monkeypatch.setattr(FastReadMixin, "to_representation",
                            lambda self, instance: serializers.Serializer.to_representation(self, instance))
        monkeypatch.setattr(rows, "representation_matches", lambda: False)
    return switch


@pytest.fixture
def varied_deals():
    """Deals using every kind of field the representation has: decimals, dates, JSON, empty and unicode text."""
    deals = make_deals(12)
    first, second, third = deals[:3]
    first.value, first.currency, first.tiv_per_unit, first.tiv_total = Decimal("1500000.50"), "USD", Decimal("13.63"), Decimal("60")
    first.date, first.date_precision, first.year = datetime.date(2000, 3, 1), "month", 2000
    first.locked_fields, first.notes = ["notes", "kind"], "Příliš žluťoučký kůň \u2028 line\tbreak \"quoted\""
    first.sipri_id, first.quantity_ordered, first.quantity_text = 4242, 7, "several"
    second.review_status, second.condition, second.year = "reviewed", "second_hand", None
    second.first_delivery_year = second.last_delivery_year = None
    third.updated = timezone.now().replace(microsecond=123456)
    Deal.objects.bulk_update([first, second, third], [
        "value", "currency", "tiv_per_unit", "tiv_total", "date", "date_precision", "year", "locked_fields", "notes",
        "sipri_id", "quantity_ordered", "quantity_text", "review_status", "condition", "first_delivery_year",
        "last_delivery_year", "updated",
    ])
    Delivery.objects.filter(deal=second).delete()
    Delivery.objects.create(deal=first, year=2012, year_is_estimate=True, quantity=None, quantity_is_estimate=True)
    source = Source.objects.create(kind="article", title="Ünïcode title", url="https://example.org/a?b=c&d=é",
                                   published_on=datetime.date(2020, 1, 2))
    Citation.objects.create(source=source, deal=first, quote="“Quoted”", stance="contradicts", hedge="reported",
                            hedge_text="reportedly", note="a note")
    return deals


@pytest.mark.parametrize("url", DEAL_URLS + OTHER_URLS)
def test_api_answers_as_drf_would(client, varied_deals, drf_only, url):
    fast_response = client.get(url)
    assert fast_response.status_code == 200, fast_response.content[:300]
    drf_only()
    drf_response = client.get(url)
    assert fast_response.json() == drf_response.json()
    assert fast_response.content == drf_response.content


def test_deal_details_and_their_etags_are_unchanged(client, varied_deals, drf_only):
    urls = [f"/api/v1/deals/{deal.pk}/" for deal in varied_deals[:3]]
    fast_responses = [client.get(url) for url in urls]
    drf_only()
    for fast_response, drf_response in zip(fast_responses, [client.get(url) for url in urls]):
        assert fast_response.content == drf_response.content
        assert fast_response["ETag"] == drf_response["ETag"]


def test_curator_view_with_drafts_matches(curator_client, varied_deals, drf_only):
    make_deals(3, review_status="draft")
    url = "/api/v1/deals/?page_size=500&review_status=draft,reviewed"
    fast_body = curator_client.get(url).content
    drf_only()
    assert curator_client.get(url).content == fast_body


def test_deals_are_built_from_rows_and_the_rest_compiled(client, varied_deals):
    assert rows.representation_matches(), "DealSerializer changed: update deals/api/rows.py to match it"
    fast._plans.clear()
    client.get("/api/v1/citations/?page_size=5")
    client.get("/api/v1/actors/serbia/")
    assert fast._plans[(CitationSerializer, True)], "CitationSerializer fell back to DRF's per-field path"
    assert fast._plans[(ActorDetailSerializer, True)], "ActorDetailSerializer fell back to DRF's per-field path"


def test_deal_rows_path_turns_itself_off_when_the_serializer_changes(monkeypatch):
    from deals.api import serializers as deal_serializers

    rows.representation_matches.cache_clear()
    monkeypatch.setattr(deal_serializers.DealSerializer.Meta, "fields",
                        deal_serializers.DealSerializer.Meta.fields + ["first_delivery_year"])
    try:
        assert not rows.representation_matches()
    finally:
        rows.representation_matches.cache_clear()


def test_a_serializer_with_its_own_representation_is_left_to_drf(rf):
    class Custom(FastReadMixin, serializers.ModelSerializer):
        class Meta:
            model = Actor
            fields = ["id", "slug"]

        def to_representation(self, instance):
            return {"custom": super().to_representation(instance)}

    class Inheriting(FastReadMixin, type("Base", (serializers.ModelSerializer,), {
        "to_representation": lambda self, instance: {"base": instance.pk},
        "Meta": type("Meta", (), {"model": Actor, "fields": ["id"]}),
    })):
        pass

    serbia = Actor.objects.get(slug="serbia")
    assert Custom(serbia).data == {"custom": {"id": serbia.pk, "slug": "serbia"}}
    assert Inheriting(serbia).data == {"base": serbia.pk}


@pytest.mark.parametrize("data", [
    {"a": [1, 2.5, None, True, "x\u2028y\u2029z", "é\"\\\n\t"], "b": {"c": Decimal("1.25")}},
    {"when": datetime.datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc),
     "day": datetime.date(2026, 1, 2), "at": datetime.time(8, 30)},
    {1: "int keys", "nested": [{"deep": ["list", ("tuple",)]}]},
    [],
    {"detail": serializers.ErrorDetail("Not found.", code="not_found")},
])
def test_fast_json_renderer_writes_drfs_bytes(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_fast_json_renderer_indents_as_drf_does():
    data = {"a": [1, {"b": 2}]}
    assert FastJSONRenderer().render(data, "application/json; indent=2") == JSONRenderer().render(
        data, "application/json; indent=2")
    assert json.loads(FastJSONRenderer().render(data)) == data


@pytest.mark.parametrize("value", ["1.50", "1.5", "1", "12345678901.25", "0.00", "-3.10", "1E+2", "2.555"])
def test_deal_decimals_are_written_as_drf_writes_them(value):
    from deals.api.serializers import DealSerializer

    fields = DealSerializer().fields
    for name, write in zip(("value", "tiv_per_unit", "tiv_total", "tiv_delivered"), rows._decimal_writers()):
        assert write(Decimal(value)) == fields[name].to_representation(Decimal(value)), name
