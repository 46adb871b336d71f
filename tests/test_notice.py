"""Whose data this is: the notice on SIPRI's records in the API root, the schema and the docs; the code's licence."""

from pathlib import Path

import pytest

from core.notice import DATA_NOTICE, SIPRI_ATTRIBUTION

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_the_api_root_links_every_resource_and_carries_the_notice(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["data_notice"] == DATA_NOTICE and SIPRI_ATTRIBUTION in body["data_notice"]
    links = {name: url for name, url in body.items() if name != "data_notice"}
    assert list(links) == ["actors", "systems", "deals", "sources", "citations", "changes"]
    for name, url in links.items():
        assert url == f"http://testserver/api/v1/{name}/"
        assert client.get(url).status_code == 200


def test_the_schema_description_carries_the_notice(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["description"].endswith(DATA_NOTICE)


@pytest.mark.parametrize("doc", ["README.md", "docs/import.md"])
def test_the_docs_ask_for_sipri_s_attribution(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    assert SIPRI_ATTRIBUTION in text and "Apache License 2.0" in text


def test_the_code_is_apache_licensed():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 11000
