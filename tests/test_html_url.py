"""`html_url`: each actor, system, deal and source links to its page in the explorer, the same through the compiled
plan as through DRF, never with the API's format, and without touching the record's ETag."""

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from actors.models import Actor
from core.api import views
from core.api.fields import PageLinkField
from core.api.representations import links_for, plan_for
from core.api.views import representation_etag
from deals.api.serializers import DealSerializer
from deals.models import Deal
from sources.models import Source
from systems.models import System

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
# resource: (explorer page, its URL kwarg, model, the record the detail tests read)
RESOURCES = {
    "actors": ("explorer:actor", "slug", Actor, lambda: Actor.objects.get(slug="serbia")),
    "systems": ("explorer:system", "slug", System, lambda: System.objects.get(slug="mig-29")),
    "deals": ("explorer:deal", "pk", Deal, lambda: Deal.objects.filter(review_status="reviewed").first()),
    "sources": ("explorer:source", "pk", Source, lambda: Source.objects.order_by("pk").first()),
}


def page_url(resource, value, host="http://testserver"):
    view_name, kwarg = RESOURCES[resource][:2]
    return host + reverse(view_name, kwargs={kwarg: value})


def detail_path(resource, record):
    return f"{BASE}/{resource}/{getattr(record, RESOURCES[resource][1])}/"


@pytest.fixture
def drf_only(monkeypatch):
    """Switches the compiled plans off, so the same request shows what DRF alone answers."""

    def switch():
        monkeypatch.setattr(views, "plan_for", lambda serializer_class: None)

    return switch


def get_json(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def assert_is_a_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_listed_record_links_to_its_page(client, resource):
    kwarg = RESOURCES[resource][1]
    rows = get_json(client, f"{BASE}/{resource}/?page_size=500")["results"]
    assert rows
    for row in rows:
        assert row["html_url"] == page_url(resource, row[kwarg if kwarg != "pk" else "id"])
        assert list(row).index("html_url") == list(row).index("url") + 1
    assert_is_a_page(client, rows[0]["html_url"])
    assert_is_a_page(client, rows[-1]["html_url"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_detail_links_to_its_page(client, resource):
    record = RESOURCES[resource][3]()
    body = get_json(client, detail_path(resource, record))
    assert body["html_url"] == page_url(resource, getattr(record, RESOURCES[resource][1]))
    assert_is_a_page(client, body["html_url"])


@pytest.mark.parametrize("resource", RESOURCES)
def test_drf_alone_gives_the_same_html_url(client, drf_only, resource):
    record = RESOURCES[resource][3]()
    urls = [f"{BASE}/{resource}/?page_size=500", detail_path(resource, record)]
    fast = [client.get(url).json() for url in urls]
    drf_only()
    drf = [client.get(url).json() for url in urls]
    assert [row["html_url"] for row in fast[0]["results"]] == [row["html_url"] for row in drf[0]["results"]]
    assert fast[1]["html_url"] == drf[1]["html_url"] == page_url(resource, getattr(record, RESOURCES[resource][1]))


def test_the_field_alone_renders_the_plans_url():
    deals = Deal.objects.filter(review_status="reviewed").order_by("pk")[:5]
    request = APIRequestFactory().get("/api/v1/deals/", secure=True)
    planned = plan_for(DealSerializer).represent(deals, links_for(request, None))
    by_drf = DealSerializer(deals, many=True, context={"request": request}).data
    assert [row["html_url"] for row in by_drf] == [row["html_url"] for row in planned]
    assert planned[0]["html_url"] == f"https://testserver/deals/{deals[0].pk}/"
    # Without a request there is no host to name: the path alone.
    assert PageLinkField(view_name="explorer:deal").to_representation(deals[0]) == f"/deals/{deals[0].pk}/"


@pytest.mark.parametrize("plan", [True, False], ids=["plan", "drf"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_the_api_format_never_reaches_the_page_url(client, drf_only, resource, plan):
    if not plan:
        drf_only()
    record = RESOURCES[resource][3]()
    expected = page_url(resource, getattr(record, RESOURCES[resource][1]))
    suffixed = detail_path(resource, record).rstrip("/") + ".json"
    for url in (suffixed, detail_path(resource, record) + "?format=json"):
        body = get_json(client, url)
        assert ".json" in body["url"] or "format=json" in body["url"]  # the API's own link keeps the format
        assert body["html_url"] == expected, url
    for url in (f"{BASE}/{resource}.json?page_size=500", f"{BASE}/{resource}/?page_size=500&format=json"):
        for row in get_json(client, url)["results"]:
            assert ".json" not in row["html_url"] and "format" not in row["html_url"], url


@pytest.mark.parametrize("resource", RESOURCES)
def test_html_url_names_the_host_the_request_came_through(client, resource):
    record = RESOURCES[resource][3]()
    body = get_json(client, detail_path(resource, record), secure=True)
    assert body["html_url"] == page_url(resource, getattr(record, RESOURCES[resource][1]), "https://testserver")
    rows = get_json(client, f"{BASE}/{resource}/", secure=True)["results"]
    assert all(row["html_url"].startswith("https://testserver/") for row in rows)


@pytest.mark.parametrize("plan", [True, False], ids=["plan", "drf"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_html_url_leaves_the_etag_alone(client, drf_only, resource, plan):
    if not plan:
        drf_only()
    response = client.get(detail_path(resource, RESOURCES[resource][3]()))
    body = response.json()
    assert "html_url" in body
    without = {key: value for key, value in body.items() if key != "html_url"}
    assert response["ETag"] == representation_etag(without) == representation_etag(body)


def test_brief_forms_have_no_html_url(client):
    deal = RESOURCES["deals"][3]()
    body = get_json(client, f"{BASE}/deals/{deal.pk}/")
    for nested in (body["supplier"], body["recipient"], body["system"], body["citations"][0]["source"]):
        assert "url" in nested and "html_url" not in nested
    citation = get_json(client, f"{BASE}/citations/")["results"][0]
    assert "html_url" not in citation and "html_url" not in citation["deal"]
