"""Hostile and malformed requests: each gets a 4xx JSON answer that names the problem, and nothing changes."""

import json

import pytest

from deals.models import Deal
from sources.models import Source

from .api_contract import row_counts
from .factories import make_curator, token_client

pytestmark = pytest.mark.django_db
DEALS = "/api/v1/deals/"


@pytest.fixture
def unchanged():
    before = row_counts()
    yield
    assert row_counts() == before


@pytest.fixture
def curator(django_user_model):
    return token_client(make_curator(django_user_model, "hostile-curator"))


def assert_refused(response, key=None, status=400):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if key is not None:
        assert key in body, body
    return body


@pytest.mark.parametrize(
    "params, key",
    [
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "1e3"}, "page"),
        ({"page": "½"}, "page"),
        ({"page": "99999999999999999999999"}, "page"),
        ({"page_size": "-5"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1000000"}, "page_size"),
        ({"page_size": "fifty"}, "page_size"),
        ({"page_size": "٣"}, "page_size"),
        ({"year_from": "99999999999"}, "year_from"),
        ({"year_from": "-1"}, "year_from"),
        ({"year_from": "2021.5"}, "year_from"),
        ({"year_to": "²⁰²¹"}, "year_to"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "Moscow\x00"}, "q"),
        ({"supplier": "../../etc/passwd"}, "supplier"),
        ({"system": "a/b"}, "system"),
        ({"supplier": "serbia\x00"}, "supplier"),
        ({"category": "aircraft\x00,ships"}, "category"),
        ({"source": "99999999999999999999999999"}, "source"),
        ({"recipient": "¹"}, "recipient"),
        ({"recipient": ",".join(["rs"] * 101)}, "recipient"),
        ({"cursor": "%%%"}, "cursor"),
        ({"cursor": "cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MA=="}, "cursor"),
        ({"ordering": "-secret_field"}, "ordering"),
        ({"ordering": "year;DROP TABLE deals_deal"}, "ordering"),
        ({"year_from": ["2020", "2021"]}, "year_from"),
        ({"page": ["1", "2"]}, "page"),
        ({"utm_source": "newsletter"}, "utm_source"),
    ],
)
def test_bad_query_parameters(client, unchanged, params, key):
    assert_refused(client.get(DEALS, params), key)


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE deals_deal; --",
        "%",
        "_",
        "\\",
        "100%_\\%",
        "' OR 1=1 --",
        "\u202eaivreS\u202c",
        "Serbia\u0301\u0308",
        "\U0001f680",
        "Ｓｅｒｂｉａ",
        "\ufeff",
        " ",
    ],
)
def test_text_search_treats_everything_as_text(client, q):
    response = client.get(DEALS, {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] in (0, Deal.objects.filter(review_status="reviewed").count()) or q.strip()


def test_like_wildcards_match_themselves(client):
    assert client.get(DEALS, {"q": "%"}).json()["count"] == 0
    assert client.get(DEALS, {"q": "_"}).json()["count"] == 0


def test_repeated_list_parameters_mean_any(client):
    body = client.get(DEALS, {"supplier": ["RU", "CN"], "year_from": "2021"}).json()
    assert {r["supplier"]["slug"] for r in body["results"]} == {"russia", "china"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/deals/99999999999999999999999/",
        "/api/v1/deals/-1/",
        "/api/v1/deals/1.5/",
        "/api/v1/actors/no-such-actor/",
        "/api/v1/actors/%2e%2e%2f/",
        "/api/v1/actors/a%2Fb/",
        "/api/v1/actors/ser%00bia/",
        "/api/v1/systems/mig%0029/history/",
        "/api/v1/systems/99999999999999999999999/",
        "/api/v1/deals/0/history/",
        "/api/v1/nowhere/",
    ],
)
def test_missing_records_are_json_404s(client, path):
    assert_refused(client.get(path), "detail", status=404)


def test_unsupported_format_and_accept(client):
    assert client.get(DEALS, {"format": "xml"}).status_code == 404
    response = client.get(DEALS, HTTP_ACCEPT="application/xml")
    assert response.status_code == 406 and "detail" in response.json()


def test_invalid_json_body(curator, unchanged):
    body = assert_refused(curator.generic("POST", DEALS, "{not json", content_type="application/json"), "detail")
    assert "JSON parse error" in body["detail"]


def test_wrong_content_type(curator, unchanged):
    response = curator.generic("POST", DEALS, "<deal/>", content_type="application/xml")
    assert_refused(response, "detail", status=415)


def test_deeply_nested_body(curator, unchanged):
    deep = "[" * 100_000 + "]" * 100_000
    assert_refused(curator.generic("POST", DEALS, deep, content_type="application/json"), "detail")


def test_body_over_the_size_limit(curator, unchanged, settings):
    payload = json.dumps({"notes": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    assert_refused(curator.generic("POST", DEALS, payload, content_type="application/json"), "detail")


@pytest.mark.parametrize(
    "body, key",
    [
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "secret": True,
            },
            "secret",
        ),
        (
            {"supplier": ["russia"], "recipient": "serbia", "system": "mig-29", "kind": "purchase", "status": "order"},
            "supplier",
        ),
        (
            {"supplier": {"$gt": ""}, "recipient": "serbia", "system": "mig-29", "kind": "purchase", "status": "order"},
            "supplier",
        ),
        (
            {
                "supplier": 99999999999999999999999,
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
            },
            "supplier",
        ),
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "year": "twenty",
            },
            "year",
        ),
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "year": 99999999999,
            },
            "year",
        ),
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "quantity_ordered": True,
            },
            "quantity_ordered",
        ),
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "citations": "not a list",
            },
            "citations",
        ),
        (
            {
                "supplier": "russia",
                "recipient": "serbia",
                "system": "mig-29",
                "kind": "purchase",
                "status": "order",
                "deliveries": [{"year": 2021, "nested": {"deeper": [1, 2, 3]}}],
            },
            "deliveries",
        ),
        ([1, 2, 3], "non_field_errors"),
        ("a string", "non_field_errors"),
    ],
)
def test_malformed_bodies(curator, unchanged, body, key):
    assert_refused(curator.post(DEALS, body, format="json"), key)


def test_megabyte_quote_is_refused(curator, unchanged):
    sipri = Source.objects.get(kind="dataset")
    response = curator.post(
        "/api/v1/citations/",
        {
            "source": sipri.pk,
            "actor": "serbia",
            "quote": "x" * 1_000_000,
        },
        format="json",
    )
    assert "quote" in assert_refused(response)


def test_writes_to_missing_or_overflowing_ids(curator, unchanged):
    for path in ("/api/v1/deals/99999999/", "/api/v1/deals/99999999999999999999999/"):
        assert_refused(curator.patch(path, {"notes": "x"}, format="json", HTTP_IF_MATCH="*"), "detail", status=404)
        assert_refused(curator.delete(path, HTTP_IF_MATCH="*"), "detail", status=404)


def test_methods_not_allowed(client, curator, unchanged):
    assert_refused(curator.post("/api/v1/deals/export.csv"), "detail", status=405)
    assert_refused(curator.put(DEALS, {}, format="json"), "detail", status=405)
    assert_refused(client.delete(DEALS), "detail", status=401)
