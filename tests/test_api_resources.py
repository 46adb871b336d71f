"""Every resource meets the shared read contract; each declares only its data and shape."""

import json
from pathlib import Path

import pytest

from actors.models import Actor
from deals.models import Deal
from sources.models import Citation, Source
from systems.models import System

from .api_contract import BASE, ReadEndpointContract
from .factories import make_actors, make_citations, make_deals, make_sources, make_systems

ACTOR_BRIEF = {"id", "url", "slug", "name", "kind", "iso2"}
SYSTEM_BRIEF = {"id", "url", "slug", "name", "designation", "category"}
SOURCE_BRIEF = {"id", "url", "title", "publisher", "published_on"}

pytestmark = pytest.mark.django_db

REFERENCE_SYSTEMS = [
    record["fields"]
    for record in json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "systems.json").read_text("utf-8"))
    if record["model"] == "systems.system"
]


def reference(category=None, producer=None, origin=None, variant_of=None, description=None):
    """Slugs of the reference systems (fixtures/systems.json) a filter selects besides the seed article's."""
    return {
        f["slug"]
        for f in REFERENCE_SYSTEMS
        if (category is None or f["category"] == [category])
        and (producer is None or f["producer"] == [producer])
        and (origin is None or f["origin"] == [origin])
        and (variant_of is None or f["variant_of"] == [variant_of])
        and (description is None or description in f["description"])
    }


class TestActorEndpoint(ReadEndpointContract):
    resource = "actors"
    model = Actor
    list_queries = 3  # count, actors with their parent, aliases
    detail_keys = {"slug", "name", "kind", "iso2", "iso3", "aliases", "part_of"}
    nested = {"part_of": ACTOR_BRIEF}

    def make_many(self, n):
        return make_actors(n)

    def detail_url(self, obj):
        return f"{self.list_url}{obj.slug}/"

    def test_detail_by_slug_and_by_id_agree(self, client):
        serbia = Actor.objects.get(slug="serbia")
        by_slug = client.get(f"{BASE}/actors/serbia/").json()
        assert client.get(f"{BASE}/actors/{serbia.pk}/").json() == by_slug
        assert by_slug["iso3"] == "SRB" and by_slug["url"].endswith("/api/v1/actors/serbia/")

    def test_detail_shows_aliases_links_and_deal_counts(self, client):
        body = client.get(f"{BASE}/actors/serbia/").json()
        assert {"name": "Belgrade", "kind": "metonym"} in body["aliases"]
        assert [p["slug"] for p in body["predecessors"]] == ["yugoslavia"]
        assert "aleksandar-vucic" in [p["slug"] for p in body["parts"]]
        assert body["deal_counts"] == {"as_supplier": 0, "as_recipient": 12}
        soviet = client.get(f"{BASE}/actors/soviet-union/").json()
        assert {"russia", "ukraine", "belarus"} <= {s["slug"] for s in soviet["successors"]}
        assert client.get(f"{BASE}/actors/irgc/").json()["part_of"]["slug"] == "iran"

    @pytest.mark.parametrize(
        "params, expected",
        [
            ({"kind": "person"}, {"ali-khamenei", "aleksandar-vucic"}),
            ({"kind": "historical_state", "q": "yemen"}, {"north-yemen", "south-yemen"}),
            ({"iso": "rs,HRV,ba"}, {"serbia", "croatia", "bosnia-and-herzegovina"}),
            ({"iso": ["SUHH", "DDDE", "cshh"]}, {"soviet-union", "east-germany", "czechoslovakia"}),
            (
                {"part_of": "iran"},
                {
                    *("irgc", "ali-khamenei", "hesa", "shahed-aviation-industries"),
                    *("iran-electronics-industries", "defence-industries-organization"),
                },
            ),
            ({"q": "kremlin"}, {"russia"}),
            ({"q": "President of"}, {"aleksandar-vucic"}),
            (
                {"kind": "group"},
                {
                    *("the-balkans", "the-caucasus", "western-suppliers"),
                    *("africa", "north-africa", "sub-saharan-africa", "middle-east"),
                    *("americas", "central-america-and-the-caribbean", "north-america", "south-america"),
                    *("asia-and-oceania", "central-asia", "east-asia", "oceania", "south-asia", "south-east-asia"),
                    *("europe", "central-europe", "eastern-europe", "western-europe"),
                },
            ),
        ],
    )
    def test_filters(self, client, params, expected):
        response = client.get(self.list_url, {**params, "page_size": 500})
        assert {row["slug"] for row in response.json()["results"]} == expected

    def test_unknown_kind_is_a_400(self, client):
        assert "kind" in client.get(self.list_url, {"kind": "planet"}).json()


class TestSystemEndpoint(ReadEndpointContract):
    resource = "systems"
    model = System
    list_queries = 3  # count, systems with category/producer/origin/base, aliases
    detail_keys = {"slug", "designation", "name", "description", "category", "producer", "origin", "aliases"}
    nested = {"producer": ACTOR_BRIEF, "origin": ACTOR_BRIEF, "variant_of": SYSTEM_BRIEF}

    def make_many(self, n):
        return make_systems(n)

    def test_detail_by_slug(self, client):
        body = client.get(f"{BASE}/systems/pantsir-s1/").json()
        assert body["category"] == {"slug": "air-defence-systems", "name": "Air-defence systems"}
        assert {"name": "96K9 Pantsyr-S1", "kind": "index"} in body["aliases"]
        t72 = client.get(f"{BASE}/systems/t-72/").json()
        # By designation: the seed article's T-72MS among the reference list's variants.
        assert [v["slug"] for v in t72["variants"]] == ["m-84", "pt-91", "t-72b3", "t-72ea", "t-72m1", "t-72ms"]
        assert client.get(f"{BASE}/systems/mig-29/").json()["producer"]["slug"] == "mikoyan"

    @pytest.mark.parametrize(
        "params, expected",
        [
            # The seed article's systems, and those of the reference list (fixtures/systems.json) that qualify.
            ({"category": "armoured-vehicles"}, {"t-72", "t-72ms", *reference(category="armoured-vehicles")}),
            (
                {"category": "missiles,other"},
                {
                    *("anti-aircraft-missiles", "chinese-military-technology"),
                    *reference(category="missiles"),
                    *reference(category="other"),
                },
            ),
            ({"producer": "mikoyan"}, {"mig-29", *reference(producer="mikoyan")}),
            ({"origin": "CN", "is_generic": "false"}, {"ch-92", "ch-95", *reference(origin="china")}),
            ({"is_generic": "true", "origin": ["IR", "RS"]}, {"iranian-combat-drones", "serbian-combat-drones"}),
            (
                {"variant_of": "mi-24,mi-8,t-72"},
                {"mi-35", "mi-17", "t-72ms", *reference(variant_of="mi-24"), *reference(variant_of="t-72")},
            ),
            ({"q": "greyhound"}, {"pantsir-s1"}),
            ({"q": "transport helicopter"}, {"mi-8", "mi-17", *reference(description="transport helicopter")}),
        ],
    )
    def test_filters(self, client, params, expected):
        response = client.get(self.list_url, {**params, "page_size": 500})
        assert {row["slug"] for row in response.json()["results"]} == expected

    def test_unknown_category_is_a_400(self, client):
        body = client.get(self.list_url, {"category": "lasers"}).json()
        assert "lasers" in body["category"][0]

    @pytest.mark.parametrize("value", ["perhaps", "yes please", "2"])
    def test_a_malformed_boolean_is_a_400_not_no_filter(self, client, value):
        response = client.get(self.list_url, {"is_generic": value})
        assert response.status_code == 400
        assert response.json() == {"is_generic": [f"Must be `true` or `false`; got {value!r}."]}


class TestDealEndpoint(ReadEndpointContract):
    resource = "deals"
    model = Deal
    list_queries = 4  # count, deals with parties and system, citations with sources, deliveries
    detail_keys = {
        "supplier",
        "recipient",
        "system",
        "kind",
        "status",
        "year",
        "year_is_estimate",
        "quantity_ordered",
        "quantity_delivered",
        "quantity_text",
        "delivery_years",
        "review_status",
        "notes",
        "citations",
        "created",
        "updated",
    }
    nested = {"supplier": ACTOR_BRIEF, "recipient": ACTOR_BRIEF, "system": SYSTEM_BRIEF}

    def make_many(self, n):
        return make_deals(n)

    def visible(self):
        return Deal.objects.filter(review_status="reviewed")

    def test_citations_are_inline_with_their_source(self, client):
        deal = Deal.objects.get(system__slug="pantsir-s1")
        body = client.get(f"{BASE}/deals/{deal.pk}/").json()
        (citation,) = body["citations"]
        assert citation["quote"].endswith("anti-aircraft systems from Moscow.")
        assert set(citation["source"]) >= SOURCE_BRIEF
        assert {"id", "quote", "stance", "hedge", "source"} <= set(citation)

    def test_drafts_are_hidden_from_anonymous_readers(self, client):
        (draft,) = make_deals(1, review_status="draft")
        assert client.get(f"{BASE}/deals/{draft.pk}/").status_code == 404
        assert draft.pk not in [r["id"] for r in client.get(self.list_url, {"page_size": 500}).json()["results"]]


class TestSourceEndpoint(ReadEndpointContract):
    resource = "sources"
    model = Source
    list_queries = 2  # count, sources
    detail_keys = {"kind", "title", "subtitle", "link", "publisher", "published_on"}

    def make_many(self, n):
        return make_sources(n)

    def test_detail_links_to_the_records_it_supports(self, client):
        article = Source.objects.get(title="Iran looks to the Balkan market for drone sales")
        body = client.get(f"{BASE}/sources/{article.pk}/").json()
        assert body["text"].startswith("Serbia and Armenia are reportedly interested")
        assert body["citations_url"] == f"http://testserver{BASE}/citations/?source={article.pk}"
        citations = client.get(body["citations_url"], {"page_size": 500}).json()["results"]
        targets = [c["deal"]["system"]["slug"] for c in citations if c["deal"]]
        assert {"mig-29", "pantsir-s1", "ch-92", "anti-aircraft-missiles"} <= set(targets)
        assert any(c["actor"] and c["actor"]["slug"] == "irgc" for c in citations)

    def test_detail_stays_small_however_many_citations_quote_it(self, client):
        dataset = make_citations(300)[0].source
        assert len(client.get(f"{BASE}/sources/{dataset.pk}/").content) < 2_000
        page = client.get(f"{BASE}/citations/", {"source": dataset.pk}).json()
        assert page["count"] == Citation.objects.filter(source=dataset).count() > 300
        assert len(page["results"]) == 50 and page["next"]

    @pytest.mark.parametrize(
        "params, expected",
        [
            ({"kind": "dataset"}, {"SIPRI Arms Transfers Database: trade register (data generated 23 Oct 2025)"}),
            (
                {"publisher": "stockholm"},
                {
                    "SIPRI Arms Transfers Database: trade register (data generated 23 Oct 2025)",
                    "SIPRI Arms Transfers Database: regions and subregions",
                },
            ),
            (
                {"published_from": "2025-01-01", "published_to": "2025-12-31"},
                {"SIPRI Arms Transfers Database: trade register (data generated 23 Oct 2025)"},
            ),
            ({"q": "balkan market"}, {"Iran looks to the Balkan market for drone sales"}),
        ],
    )
    def test_filters(self, client, params, expected):
        response = client.get(self.list_url, params)
        assert {row["title"] for row in response.json()["results"]} == expected

    def test_reversed_dates_are_a_400(self, client):
        body = client.get(self.list_url, {"published_from": "2025-02-01", "published_to": "2025-01-01"}).json()
        assert "published_to" in body


class TestCitationEndpoint(ReadEndpointContract):
    resource = "citations"
    model = Citation
    list_queries = 2  # count, citations with source and targets
    detail_keys = {"quote", "stance", "hedge", "hedge_text", "locator", "source", "deal", "actor", "system"}
    nested = {"source": SOURCE_BRIEF, "actor": ACTOR_BRIEF, "system": SYSTEM_BRIEF}

    def make_many(self, n):
        return make_citations(n)

    def visible(self):
        return Citation.objects.exclude(deal__review_status="draft")

    @pytest.mark.parametrize(
        "params, count",
        [
            ({"stance": "contradicts"}, 2),
            ({"hedge": "conditional"}, 4),
            ({"hedge": "reported", "q": "reportedly"}, 2),
            ({"actor": "irgc,nato"}, 2),
            ({"system": "mig-29"}, 1),
        ],
    )
    def test_filters(self, client, params, count):
        assert client.get(self.list_url, params).json()["count"] == count

    def test_source_and_deal_filters(self, client):
        deal = Deal.objects.get(system__slug="ch-92")
        body = client.get(self.list_url, {"deal": deal.pk}).json()
        assert {row["stance"] for row in body["results"]} == {"supports", "contradicts"}
        sipri = Source.objects.get(kind="dataset")
        assert client.get(self.list_url, {"source": sipri.pk}).json()["count"] == 4
