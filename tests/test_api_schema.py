"""The OpenAPI schema and the documentation pages, which must work with no internet access."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_lists_every_resource(schema):
    for path in [
        "/api/v1/actors/",
        "/api/v1/actors/{slug}/",
        "/api/v1/systems/",
        "/api/v1/deals/",
        "/api/v1/deals/{id}/",
        "/api/v1/deals/export.csv",
        "/api/v1/sources/",
        "/api/v1/citations/",
    ]:
        assert path in schema["paths"], path


def test_every_filter_is_documented(schema):
    deal_params = {p["name"]: p for p in schema["paths"]["/api/v1/deals/"]["get"]["parameters"]}
    contract = [
        "supplier",
        "recipient",
        "party",
        "system",
        "category",
        "kind",
        "status",
        "year_from",
        "year_to",
        "delivered_from",
        "delivered_to",
        "source",
        "q",
        "ordering",
        "page",
        "page_size",
        "cursor",
    ]
    assert set(contract) <= set(deal_params)
    for path, item in schema["paths"].items():
        for param in item.get("get", {}).get("parameters", []):
            if param["in"] == "query":
                assert param.get("description"), f"{path} ?{param['name']} has no description"
    export_params = {p["name"] for p in schema["paths"]["/api/v1/deals/export.csv"]["get"]["parameters"]}
    assert set(contract) - {"page", "page_size", "cursor"} <= export_params


def test_enums_have_stable_names(schema):
    components = schema["components"]["schemas"]
    for name in ["DealKindEnum", "DealStatusEnum", "ReviewStatusEnum", "StanceEnum", "HedgeEnum", "ActorKindEnum"]:
        assert "enum" in components[name], name
    kinds = {p["name"]: p for p in schema["paths"]["/api/v1/deals/"]["get"]["parameters"]}["kind"]
    assert "purchase" in kinds["schema"]["items"]["enum"]


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_public_reads_say_authentication_is_optional_and_writes_require_it(schema):
    seen = set()
    for path, method, operation in operations(schema):
        optional = {} in operation["security"]
        seen.add((method, optional))
        if path.startswith("/api/v1/tokens/"):
            assert not optional, f"{method} {path}: one's own tokens need credentials"
        elif path.startswith("/api/v1/intake/"):
            assert not optional, f"{method} {path}: intake's proposals are drafts, for curators only"
        else:
            assert optional == (method == "get"), f"{method} {path}: {operation['security']}"
        assert {"tokenAuth": []} in operation["security"], path
        assert "401" in operation["responses"], f"{method} {path}: bad credentials are a 401 everywhere"
    assert ("get", True) in seen and ("post", False) in seen
    assert {} in schema["paths"]["/api/v1/deals/export.csv"]["get"]["security"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_only_records_ask_for_if_match(schema):
    for path, method, operation in operations(schema):
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        # A merge deletes the deal it addresses, so it is guarded like that deal's DELETE.
        changes_a_record = method in ("put", "patch", "delete") or (method, path) == (
            "post",
            "/api/v1/deals/{id}/merge/",
        )
        expected = ["If-Match"] if changes_a_record and "/tokens/" not in path else []
        assert headers == expected, f"{method} {path}"


def test_page_and_cursor_say_they_exclude_each_other(schema, client):
    params = {p["name"]: p for p in schema["paths"]["/api/v1/deals/"]["get"]["parameters"]}
    assert "Excludes `cursor`: sending both is a 400." in params["page"]["description"]
    assert "Excludes `page`: sending both is a 400." in params["cursor"]["description"]
    response = client.get("/api/v1/deals/?page=1&cursor=")
    assert response.status_code == 400
    assert response.json() == {"page": ["Use either `page` or `cursor`, not both."]}


def test_schema_endpoint_serves_openapi(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_local_assets(client, url):
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the page loads no assets at all"
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is not among the static files"
