"""Representations built by the plans compiled from the serializers are exactly what DRF itself would answer, and
the orjson renderer writes DRF's bytes."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from actors.api.serializers import ActorDetailSerializer, ActorSerializer
from actors.models import Actor
from citations.api.serializers import CitationSerializer
from core.api import representations, views
from core.api.renderers import OrjsonRenderer
from core.api.representations import shapes, values
from deals.api.serializers import DealSerializer
from deals.models import Deal, Delivery
from sources.api.serializers import SourceDetailSerializer, SourceSerializer
from sources.models import Citation, Source
from systems.api.serializers import SystemDetailSerializer, SystemSerializer
from systems.models import System

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
    "/api/v1/actors/?page_size=500",
    "/api/v1/actors/serbia/",
    "/api/v1/systems/?page_size=500",
    "/api/v1/systems/mig-29/",
    "/api/v1/sources/",
    "/api/v1/citations/?page_size=500",
    "/api/v1/actors/?ordering=-name&page_size=50",
    "/api/v1/deals/?ordering=supplier&page_size=50",
    "/api/v1/deals/?ordering=-year&page_size=50",
    "/api/v1/citations/?cursor=&page_size=5",
]


@pytest.fixture
def drf_only(monkeypatch):
    """Switches the compiled plans off, so the same request shows what DRF alone answers."""

    def switch():
        monkeypatch.setattr(views, "plan_for", lambda serializer_class: None)

    return switch


@pytest.fixture
def varied_deals():
    """Deals using every kind of field the representation has: decimals, dates, JSON, empty and unicode text."""
    deals = make_deals(12)
    first, second, third = deals[:3]
    first.value, first.currency, first.tiv_per_unit, first.tiv_total = (
        Decimal("1500000.50"),
        "USD",
        Decimal("13.63"),
        Decimal("60"),
    )
    first.date, first.date_precision, first.year = datetime.date(2000, 3, 1), "month", 2000
    first.locked_fields, first.notes = ["notes", "kind"], 'Příliš žluťoučký kůň \u2028 line\tbreak "quoted"'
    first.sipri_id, first.quantity_ordered, first.quantity_text = 4242, 7, "several"
    second.review_status, second.condition, second.year = "reviewed", "second_hand", None
    second.first_delivery_year = second.last_delivery_year = None
    third.updated = timezone.now().replace(microsecond=123456)
    Deal.objects.bulk_update(
        [first, second, third],
        [
            "value",
            "currency",
            "tiv_per_unit",
            "tiv_total",
            "date",
            "date_precision",
            "year",
            "locked_fields",
            "notes",
            "sipri_id",
            "quantity_ordered",
            "quantity_text",
            "review_status",
            "condition",
            "first_delivery_year",
            "last_delivery_year",
            "updated",
        ],
    )
    Delivery.objects.filter(deal=second).delete()
    Delivery.objects.create(deal=first, year=2012, year_is_estimate=True, quantity=None, quantity_is_estimate=True)
    source = Source.objects.create(
        kind="article",
        title="Ünïcode title",
        url="https://example.org/a?b=c&d=é",
        published_on=datetime.date(2020, 1, 2),
    )
    Citation.objects.create(
        source=source,
        deal=first,
        quote="“Quoted”",
        stance="contradicts",
        hedge="reported",
        hedge_text="reportedly",
        note="a note",
    )
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
    for fast_response, drf_response in zip(fast_responses, [client.get(url) for url in urls], strict=True):
        assert fast_response.content == drf_response.content
        assert fast_response["ETag"] == drf_response["ETag"]


def test_curator_view_with_drafts_matches(curator_client, varied_deals, drf_only):
    make_deals(3, review_status="draft")
    url = "/api/v1/deals/?page_size=500&review_status=draft,reviewed"
    fast_body = curator_client.get(url).content
    drf_only()
    assert curator_client.get(url).content == fast_body


@pytest.mark.parametrize(
    "serializer_class",
    [
        DealSerializer,
        ActorSerializer,
        SystemSerializer,
        SystemDetailSerializer,
        SourceSerializer,
        SourceDetailSerializer,
        CitationSerializer,
    ],
)
def test_every_list_and_most_details_have_a_plan(serializer_class):
    plan = representations.plan_for(serializer_class)
    assert plan is not None, representations.not_compiled[serializer_class]


@pytest.mark.parametrize(
    ("serializer_class", "reason"),
    [
        (ActorDetailSerializer, "successors: not a one-to-many relation"),
    ],
)
def test_details_with_fields_rows_cannot_give_are_left_to_drf(serializer_class, reason):
    assert representations.plan_for(serializer_class) is None
    assert representations.not_compiled[serializer_class] == reason


def test_a_serializer_with_its_own_representation_is_left_to_drf():
    class Custom(serializers.ModelSerializer):
        class Meta:
            model = Actor
            fields = ["id", "slug"]

        def to_representation(self, instance):
            return {"custom": super().to_representation(instance)}

    class Nesting(serializers.ModelSerializer):
        part_of = Custom(read_only=True)

        class Meta:
            model = Actor
            fields = ["id", "part_of"]

    assert representations.plan_for(Custom) is None
    assert representations.plan_for(Nesting) is None


def test_deal_lists_read_each_relation_once(client, varied_deals, django_assert_max_num_queries):
    # count, page, deliveries (for both `deliveries` and `delivery_years`), citations with their sources
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/deals/?page_size=50").status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"a": [1, 2.5, None, True, "x\u2028y\u2029z", 'é"\\\n\t'], "b": {"c": Decimal("1.25")}},
        {
            "when": datetime.datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC),
            "day": datetime.date(2026, 1, 2),
            "at": datetime.time(8, 30),
        },
        {1: "int keys", "nested": [{"deep": ["list", ("tuple",)]}]},
        [],
        {"detail": serializers.ErrorDetail("Not found.", code="not_found")},
    ],
)
def test_fast_json_renderer_writes_drfs_bytes(data):
    assert OrjsonRenderer().render(data) == JSONRenderer().render(data)


def test_fast_json_renderer_indents_as_drf_does():
    data = {"a": [1, {"b": 2}]}
    assert OrjsonRenderer().render(data, "application/json; indent=2") == JSONRenderer().render(
        data, "application/json; indent=2"
    )
    assert json.loads(OrjsonRenderer().render(data)) == data


@pytest.mark.parametrize("value", ["1.50", "1.5", "1", "12345678901.25", "0.00", "-3.10", "1E+2", "2.555"])
def test_deal_decimals_are_written_as_drf_writes_them(value):
    fields = DealSerializer().fields
    for name in ("value", "tiv_per_unit", "tiv_total", "tiv_delivered"):
        write = values.converter_for(fields[name])
        assert write(Decimal(value)) == fields[name].to_representation(Decimal(value)), name


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '["notes", "year"]',
        '{"a": 1.5, "b": [null, true]}',
        "NaN",
        str(2**70),
        f"[{2**63}, -{2**63 + 1}]",
        "1e400",
        "not json",
        '"\\ud800"',
    ],
)
def test_faster_json_converter_reads_as_the_orm_does(text):
    from django.db import connection
    from django.db.models.expressions import Col

    expression = Col(Deal._meta.db_table, Deal._meta.get_field("locked_fields"))
    (orm,) = expression.get_db_converters(connection)
    fast = values.faster_converter(orm, expression, connection)
    assert fast is not orm
    assert repr(fast(text, expression, connection)) == repr(orm(text, expression, connection))  # NaN included
    assert fast(None, expression, connection) is None


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2025, 6, 15, 12, 34, 56, 789012),
        datetime.datetime(2025, 6, 15, 12, 34, 56, tzinfo=datetime.UTC),
        "2025-06-15 12:34:56.789012",
        "2025-06-15T12:34:56+02:00",
    ],
)
def test_faster_sqlite_datetime_converter_reads_as_the_orm_does(value):
    from django.db import connection
    from django.db.models.expressions import Col

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's datetimes need the ORM's converter; other databases hand back aware values")
    expression = Col(Deal._meta.db_table, Deal._meta.get_field("created"))
    orm = connection.ops.get_db_converters(expression)[0]
    fast = values.faster_converter(orm, expression, connection)
    assert fast is not orm
    found, expected = fast(value, expression, connection), orm(value, expression, connection)
    assert found == expected and found.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    ["82c50ce7fcda5a8d8754d8b632157626", "82C50CE7FCDA5A8D8754D8B632157626", "82c50ce7-fcda-5a8d-8754-d8b632157626"],
)
def test_uuids_read_as_text_are_what_str_makes_of_the_orms(text):
    from django.db import connection
    from django.db.models.expressions import Col

    if connection.vendor != "sqlite":
        pytest.skip("SQLite stores UUIDs as text; PostgreSQL's driver hands back UUID objects")
    expression = Col(Deal._meta.db_table, Deal._meta.get_field("uid"))
    (orm,) = connection.ops.get_db_converters(expression)
    as_text = values.faster_converter(orm, expression, connection, as_text=True)
    assert values.faster_converter(orm, expression, connection) is orm
    assert as_text(text, expression, connection) == str(orm(text, expression, connection))
    assert as_text(None, expression, connection) is None


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Europe/Paris"])
@pytest.mark.parametrize("when", [(2025, 1, 15, 12, 0, 0, 0), (2025, 7, 15, 23, 59, 59, 123456)])
def test_moments_are_written_as_drf_writes_them(zone, when):
    from zoneinfo import ZoneInfo

    field = serializers.DateTimeField()
    for tz in (datetime.UTC, ZoneInfo(zone)):
        value = datetime.datetime(*when, tzinfo=tz)
        assert values.moment(value, values.current_zone(), field) == field.to_representation(value)


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        (None, {}),
        ("*/*", {}),
        ("application/json", {}),
        ("application/json; indent=2", {}),
        ("text/html,application/xhtml+xml,*/*;q=0.8", {}),
        ("*/*", {"format": "api"}),
        ("application/json", {"format": "json"}),
        ("text/csv", {}),
    ],
)
def test_negotiation_chooses_as_drf_does(accept, query):
    from rest_framework.negotiation import DefaultContentNegotiation
    from rest_framework.request import Request
    from rest_framework.settings import api_settings
    from rest_framework.test import APIRequestFactory

    from core.api.negotiation import PlainJSONFirstNegotiation

    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get("/api/v1/deals/", query, **headers))
    renderers = [renderer() for renderer in api_settings.DEFAULT_RENDERER_CLASSES]

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as error:  # a 406, which both must raise alike
            return type(error)
        return type(renderer), media_type

    assert choice(PlainJSONFirstNegotiation()) == choice(DefaultContentNegotiation())


def test_properties_are_asked_as_drf_asks_them(monkeypatch):
    from rest_framework.test import APIRequestFactory

    from core.api.representations.links import Links

    # One property declares the columns it reads (System.label); one does not, and is asked of a whole model.
    monkeypatch.setattr(System, "shouted", property(lambda system: system.name.upper() or None), raising=False)

    class WithProperties(serializers.ModelSerializer):
        label = serializers.CharField(read_only=True)
        shouted = serializers.CharField(read_only=True)

        class Meta:
            model = System
            fields = ["id", "label", "shouted"]

    plan = representations.plan_for(WithProperties)
    assert plan is not None, representations.not_compiled.get(WithProperties)
    request = APIRequestFactory().get("/api/v1/systems/")
    systems = System.objects.order_by("id")[:30]
    compiled = plan.represent(systems, Links(request, None))
    assert compiled == [WithProperties(system).data for system in systems]
    assert any(row["shouted"] for row in compiled)


SAME_SHAPES = [
    ("recipient=serbia&kind=purchase&year_from=2021&year_to=2022", "recipient=PL&kind=aid&year_from=1990&year_to=2030"),
    ("party=serbia,russia&page_size=5", "party=poland,FR&page_size=5&page=2"),
    ("delivered_from=2015&delivered_to=2020", "delivered_from=1990&delivered_to=2030&ordering=-year"),
    ("supplier=russia&ordering=-year", "supplier=france&ordering=-year"),
    ("status=delivered&category=aircraft", "status=order&category=air-defence-systems"),
    ("review_status=reviewed&condition=new", "review_status=reviewed&condition=second_hand"),
]


@pytest.mark.parametrize(("warm", "other"), SAME_SHAPES)
def test_key_queries_reused_by_shape_answer_as_drf_would(client, varied_deals, drf_only, warm, other):
    shapes._shapes.clear()
    assert client.get(f"/api/v1/deals/?{warm}").status_code == 200
    reused = client.get(f"/api/v1/deals/?{other}")
    assert reused.status_code == 200, reused.content[:300]
    assert any(compiled for compiled in shapes._shapes.values()), "no shape was compiled for reuse"
    drf_only()
    assert reused.content == client.get(f"/api/v1/deals/?{other}").content


def test_free_text_is_never_reused(client, varied_deals):
    shapes._shapes.clear()
    first = client.get("/api/v1/deals/?q=serbia").json()["count"]
    assert client.get("/api/v1/deals/?q=poland").json()["count"] != first or first == 0
    assert not shapes._shapes


def test_a_source_filter_reused_across_sources(client, varied_deals, drf_only):
    sources = list(Source.objects.filter(citations__deal__isnull=False).distinct().values_list("id", flat=True)[:2])
    shapes._shapes.clear()
    client.get(f"/api/v1/deals/?source={sources[0]}")
    reused = client.get(f"/api/v1/deals/?source={sources[1]}").content
    drf_only()
    assert reused == client.get(f"/api/v1/deals/?source={sources[1]}").content


def test_the_shapes_a_process_keeps_are_bounded(client, varied_deals, monkeypatch):
    monkeypatch.setattr(shapes, "MAX_SHAPES", 3)
    shapes._shapes.clear()
    for n in range(1, 8):  # seven shapes: one to seven suppliers
        ids = ",".join(["FR", "DE", "IT", "PL", "RU", "CN", "US"][:n])
        assert client.get(f"/api/v1/deals/?supplier={ids}").status_code == 200
        assert len(shapes._shapes) <= 3


@pytest.mark.parametrize(
    ("warm", "other"),
    [
        ("/api/v1/systems/mig-29/", "/api/v1/systems/ch-95/"),
        ("/api/v1/systems/{system}/", "/api/v1/systems/{other_system}/"),
        ("/api/v1/citations/{citation}/", "/api/v1/citations/{other_citation}/"),
    ],
)
def test_look_ups_reused_by_field_answer_as_drf_would(client, varied_deals, drf_only, warm, other):
    citations = list(Citation.objects.filter(deal__review_status="reviewed").values_list("id", flat=True)[:2])
    systems = list(System.objects.values_list("id", flat=True)[:2])
    ids = {"citation": citations[0], "other_citation": citations[1], "system": systems[0], "other_system": systems[1]}
    warm, other = (u.format(**ids) for u in (warm, other))
    shapes._shapes.clear()
    assert client.get(warm).status_code == 200
    reused = client.get(other)
    assert reused.status_code == 200, reused.content[:300]
    assert any(key[0] == "lookup" for key in shapes._shapes), "no look-up was compiled for reuse"
    drf_only()
    fresh = client.get(other)
    assert (reused.content, reused["ETag"]) == (fresh.content, fresh["ETag"])


def test_deal_look_ups_reused_across_deals_and_visibility(curator_client, varied_deals):
    client = Client()  # anonymous: the `client` fixture is the one curator_client logged in
    shapes._shapes.clear()
    reviewed = [deal.pk for deal in varied_deals if deal.review_status == "reviewed"][:2]
    draft = make_deals(1, review_status="draft")[0]
    for pk in reviewed:
        assert client.get(f"/api/v1/deals/{pk}/").json()["id"] == pk
    assert client.get(f"/api/v1/deals/{draft.pk}/").status_code == 404  # the reused SQL keeps drafts hidden
    assert curator_client.get(f"/api/v1/deals/{draft.pk}/").json()["id"] == draft.pk
    assert client.get("/api/v1/deals/999999999/").status_code == 404
