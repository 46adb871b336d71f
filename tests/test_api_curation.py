"""Curation through the API: each resource meets the shared write contract, plus the rules only it has."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Q

from actors.models import Actor
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import System

from .api_contract import BASE, MISSING, InUseDeleteContract, WriteEndpointContract, etag_of, history_of, row_counts
from .factories import (
    WILLING,
    article,
    deal_body,
    make_actor,
    make_citation,
    make_deal,
    make_source,
    make_system,
    token_client,
)

pytestmark = pytest.mark.django_db


class TestActorWrites(InUseDeleteContract, WriteEndpointContract):
    resource = "actors"
    model = Actor
    lookup = "slug"
    change = {"notes": "Checked."}
    invalid = [
        ({"kind": "planet"}, "kind"),
        ({"name": MISSING}, "name"),
        ({"name": ""}, "name"),
        ({"slug": "not a slug!"}, "slug"),
        ({"part_of": "atlantis"}, "part_of"),
        ({"valid_from": 2000, "valid_to": 1990}, "non_field_errors"),
        ({"iso2": "ZZ"}, "non_field_errors"),  # only states and territories carry ISO codes
        ({"successors": ["atlantis"]}, "successors"),
        ({"aliases": [{"name": "Y"}, {"name": "y"}]}, "aliases"),
    ]

    def create_body(self):
        return {
            "name": "Acme Defence",
            "kind": "company",
            "part_of": "RS",
            "valid_from": 1991,
            "notes": "A maker of drones.",
        }

    def stored_values(self):
        return {
            "name": "Acme Defence",
            "kind": "company",
            "part_of.slug": "serbia",
            "valid_from": 1991,
            "notes": "A maker of drones.",
        }

    def make_one(self):
        return make_actor()

    def in_use(self):
        armenia = Actor.objects.get(slug="armenia")
        return armenia, [
            *Deal.objects.filter(Q(supplier=armenia) | Q(recipient=armenia)),
            *armenia.parts.all(),
            *armenia.produced_systems.all(),
            *armenia.originated_systems.all(),
        ]

    def test_aliases_and_links_by_slug(self, curator):
        response = curator.post(
            self.list_url,
            {
                "name": "Serbian Armed Forces",
                "kind": "armed_force",
                "part_of": "RS",
                "aliases": [
                    {"name": "Vojska Srbije", "kind": "transliteration"},
                    {"name": "VS", "kind": "abbreviation"},
                ],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["slug"] == "serbian-armed-forces" and body["part_of"]["slug"] == "serbia"
        assert {a["name"] for a in body["aliases"]} == {"Vojska Srbije", "VS"}
        stored = Actor.objects.get(slug="serbian-armed-forces")
        assert stored.part_of.slug == "serbia"
        assert set(stored.aliases.values_list("name", "kind")) == {
            ("Vojska Srbije", "transliteration"),
            ("VS", "abbreviation"),
        }
        duplicate = curator.post(
            self.list_url, {"name": "X", "kind": "company", "aliases": [{"name": "Y"}, {"name": "y"}]}, format="json"
        )
        assert duplicate.status_code == 400 and duplicate.json()["aliases"][1] == {"name": ["Listed twice."]}
        assert not Actor.objects.filter(name="X").exists()


class TestSystemWrites(InUseDeleteContract, WriteEndpointContract):
    resource = "systems"
    model = System
    lookup = "slug"
    change = {"notes": "Checked."}
    invalid = [
        ({"category": "lasers"}, "category"),
        ({"category": MISSING}, "category"),
        ({"producer": "atlantis"}, "producer"),
        ({"variant_of": "no-such-system"}, "variant_of"),
        ({"is_generic": "perhaps"}, "is_generic"),
        ({"designation": ""}, "non_field_errors"),  # a named system needs a designation
        ({"aliases": [{"name": "Zed"}, {"name": "ZED"}]}, "aliases"),
    ]

    def create_body(self):
        return {
            "designation": "ZZ-1",
            "category": "aircraft",
            "description": "trainer",
            "producer": "mikoyan",
            "origin": "RU",
            "variant_of": "mig-29",
            "aliases": [{"name": "Zed One", "kind": "nickname"}],
        }

    def stored_values(self):
        return {
            "designation": "ZZ-1",
            "category.slug": "aircraft",
            "description": "trainer",
            "producer.slug": "mikoyan",
            "origin.slug": "russia",
            "variant_of.slug": "mig-29",
        }

    def make_one(self):
        return make_system()

    def in_use(self):
        mig = System.objects.get(slug="mig-29")
        return mig, list(mig.deals.all()) + list(mig.variants.all())

    def test_aliases_are_stored_and_replaced(self, curator):
        response = curator.post(self.list_url, self.create_body(), format="json")
        assert response.status_code == 201, response.content
        system = System.objects.get(pk=response.json()["id"])
        assert list(system.aliases.values_list("name", "kind")) == [("Zed One", "nickname")]
        path = self.detail_url(system)
        response = curator.patch(
            path,
            {"aliases": [{"name": "Zed", "kind": "nickname"}]},
            format="json",
            HTTP_IF_MATCH=etag_of(curator, path),
        )
        assert response.status_code == 200, response.content
        assert list(system.aliases.values_list("name", flat=True)) == ["Zed"]


class TestDealWrites(WriteEndpointContract):
    resource = "deals"
    model = Deal
    change = {"notes": "Checked."}
    invalid = [
        ({"supplier": "atlantis"}, "supplier"),
        ({"system": 3.5}, "system"),
        ({"kind": "theft"}, "kind"),
        ({"year": 1850}, "year"),
        ({"quantity_ordered": -4}, "quantity_ordered"),
        ({"year": 2020, "deliveries": [{"year": 2019}]}, "deliveries"),
        ({"deliveries": [{"year": 2020}, {"year": 2020}]}, "deliveries"),
        ({"recipient": "iran"}, "non_field_errors"),
        ({"value": "12.50"}, "non_field_errors"),
        ({"priority": "high"}, "priority"),
    ]

    def create_body(self):
        return deal_body(
            year=2024,
            quantity_ordered=40,
            quantity_text="forty",
            deliveries=[{"year": 2025, "quantity": 10}],
            citations=[{"source": article().pk, "quote": WILLING}],
        )

    def put_body(self, obj):
        body = super().put_body(obj)
        body.pop("citations")  # given with a new deal only; an existing deal's go through /citations/
        return body

    def stored_values(self):
        return {
            "supplier.slug": "iran",
            "recipient.slug": "armenia",
            "system.slug": "iranian-combat-drones",
            "kind": "purchase",
            "status": "offer",
            "review_status": "reviewed",
            "year": 2024,
            "quantity_ordered": 40,
            "quantity_text": "forty",
            "first_delivery_year": 2025,
            "last_delivery_year": 2025,
            "delivery_years": [2025],
        }

    def make_one(self):
        return make_deal()

    def test_a_quantity_change_shows_its_old_and_new_value_in_history(self, curator):
        deal = Deal.objects.get(system__slug="pantsir-s1")
        path = f"{self.list_url}{deal.pk}/"
        response = curator.patch(
            path, {"quantity_ordered": 6, "quantity_text": ""}, format="json", HTTP_IF_MATCH=etag_of(curator, path)
        )
        assert response.status_code == 200
        deal.refresh_from_db()
        assert (deal.quantity_ordered, deal.quantity_text) == (6, "")
        entries = history_of(curator, path)
        assert {"field": "quantity_ordered", "old": None, "new": 6} in entries[0]["changes"]
        assert entries[-1]["action"] == "created"

    def test_deleting_a_deal_takes_its_deliveries_and_citations(self, curator):
        deal = Deal.objects.get(system__slug="ch-95")
        assert deal.deliveries.exists() and deal.citations.exists()
        path = f"{self.list_url}{deal.pk}/"
        assert curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path)).status_code == 204
        assert not Delivery.objects.filter(deal_id=deal.pk).exists()
        assert not Citation.objects.filter(deal_id=deal.pk).exists()

    def test_deal_with_citations_in_one_request(self, curator):
        body = deal_body(
            citations=[
                {
                    "source": article().pk,
                    "quote": WILLING,
                    "stance": "supports",
                    "hedge": "conditional",
                    "hedge_text": "would be willing",
                },
                {"source": article().pk, "quote": "Serbia and Armenia are reportedly interested", "hedge": "reported"},
            ],
            deliveries=[],
        )
        response = curator.post(self.list_url, body, format="json")
        assert response.status_code == 201, response.content
        created = response.json()
        assert response["Location"] == created["url"]
        assert [c["hedge"] for c in created["citations"]] == ["conditional", "reported"]
        assert created["recipient"]["slug"] == "armenia"  # given as an ISO code
        stored = Deal.objects.get(pk=created["id"])
        assert list(stored.citations.order_by("id").values_list("source_id", "quote", "hedge", "hedge_text")) == [
            (article().pk, WILLING, "conditional", "would be willing"),
            (article().pk, "Serbia and Armenia are reportedly interested", "reported", ""),
        ]

    def test_one_bad_citation_stores_nothing(self, curator):
        before = row_counts()
        body = deal_body(
            citations=[
                {"source": article().pk, "quote": WILLING},
                {"source": article().pk, "quote": "Armenia signed for forty drones."},
                {"source": article().pk, "quote": "Serbia and Armenia are reportedly interested"},
            ]
        )
        response = curator.post(self.list_url, body, format="json")
        assert response.status_code == 400
        errors = response.json()["citations"]
        assert errors[0] == {} and errors[2] == {}
        assert "not found in the stored text" in errors[1]["quote"][0]
        assert row_counts() == before

    def test_updating_deliveries_moves_the_span(self, curator):
        deal = Deal.objects.get(system__slug="ch-95")
        path = f"{self.list_url}{deal.pk}/"
        response = curator.patch(
            path,
            {"year": 2023, "deliveries": [{"year": 2024, "quantity": 10}]},
            format="json",
            HTTP_IF_MATCH=etag_of(curator, path),
        )
        assert response.status_code == 200, response.content
        assert response.json()["delivery_years"] == [2024]
        deal.refresh_from_db()
        assert (deal.first_delivery_year, deal.last_delivery_year) == (2024, 2024)
        assert list(Delivery.objects.filter(deal=deal).values_list("year", "quantity")) == [(2024, 10)]

    def test_citations_of_an_existing_deal_go_through_citations(self, curator):
        deal = Deal.objects.get(system__slug="pantsir-s1")
        cited = list(deal.citations.values_list("pk", flat=True))
        path = f"{self.list_url}{deal.pk}/"
        response = curator.patch(path, {"citations": []}, format="json", HTTP_IF_MATCH=etag_of(curator, path))
        assert response.status_code == 400 and "citations" in response.json()
        assert list(deal.citations.values_list("pk", flat=True)) == cited

    def test_draft_deals_are_visible_to_curators_only(self, curator, anonymous, outsider):
        response = curator.post(self.list_url, deal_body(review_status="draft"), format="json")
        assert Deal.objects.get(pk=response.json()["id"]).review_status == "draft"
        path = response.json()["url"]
        assert curator.get(path).status_code == 200
        assert anonymous.get(path).status_code == 404
        assert outsider.get(path).status_code == 404

    def test_curator_locks_fields_against_reimports(self, curator):
        deal = Deal.objects.get(system__slug="ch-95")
        path = f"{self.list_url}{deal.pk}/"
        bad = curator.patch(path, {"locked_fields": ["notes", "not_a_field"]}, format="json", HTTP_IF_MATCH="*")
        assert bad.status_code == 400 and "locked_fields" in bad.json()
        deal.refresh_from_db()
        assert deal.locked_fields == []
        good = curator.patch(path, {"locked_fields": ["notes", "deliveries"]}, format="json", HTTP_IF_MATCH="*")
        assert good.status_code == 200 and good.json()["locked_fields"] == ["notes", "deliveries"]
        deal.refresh_from_db()
        assert deal.locked_fields == ["notes", "deliveries"]


class TestSourceWrites(InUseDeleteContract, WriteEndpointContract):
    resource = "sources"
    model = Source
    change = {"notes": "Checked."}
    invalid = [
        ({"kind": "rumour"}, "kind"),
        ({"title": MISSING}, "title"),
        ({"title": ""}, "title"),
        ({"link": "not a url"}, "link"),
        ({"published_on": "2025-02-30"}, "published_on"),
        ({"retrieved_on": "2025-01-01"}, "non_field_errors"),  # retrieved before it was published
    ]

    def create_body(self):
        return {
            "kind": "article",
            "title": "A fresh report",
            "link": "https://example.org/fresh-report",
            "publisher": "Example Times",
            "authors": "A. Writer",
            "published_on": "2025-03-01",
            "language": "en",
            "text": "Armenia is said to want drones.",
        }

    def stored_values(self):
        return {
            "kind": "article",
            "title": "A fresh report",
            "url": "https://example.org/fresh-report",
            "publisher": "Example Times",
            "authors": "A. Writer",
            "published_on": datetime.date(2025, 3, 1),
            "language": "en",
            "text": "Armenia is said to want drones.",
        }

    def make_one(self):
        return make_source()

    def in_use(self):
        return article(), list(article().citations.all())

    def test_source_text_cannot_drop_quoted_words(self, curator):
        text = article().text
        path = self.detail_url(article())
        response = curator.patch(path, {"text": "A shorter text."}, format="json", HTTP_IF_MATCH=etag_of(curator, path))
        assert response.status_code == 400 and "citation" in response.json()["text"][0]
        assert article().text == text


class TestCitationWrites(WriteEndpointContract):
    resource = "citations"
    model = Citation
    change = {"note": "Checked."}
    invalid = [
        ({"quote": "Armenia signed for forty drones."}, "quote"),  # not in the source's text
        ({"quote": ""}, "quote"),
        ({"stance": "maybe"}, "stance"),
        ({"hedge": "certainly"}, "hedge"),
        ({"actor": "atlantis"}, "actor"),
        ({"source": 999999999}, "source"),
        ({"actor": MISSING}, "non_field_errors"),  # no record to support
        ({"system": "mig-29"}, "non_field_errors"),  # two records at once
    ]

    def create_body(self):
        return {
            "source": article().pk,
            "actor": "armenia",
            "quote": WILLING,
            "stance": "supports",
            "hedge": "conditional",
            "hedge_text": "would be willing",
            "locator": "paragraph 3",
        }

    def stored_values(self):
        return {
            "source": article(),
            "actor.slug": "armenia",
            "quote": WILLING,
            "stance": "supports",
            "hedge": "conditional",
            "hedge_text": "would be willing",
            "locator": "paragraph 3",
        }

    def make_one(self):
        return make_citation()


def test_history_is_listed_for_every_resource():
    anonymous = token_client()
    for path in (
        f"{BASE}/actors/serbia/history/",
        f"{BASE}/systems/mig-29/history/",
        f"{BASE}/sources/{article().pk}/history/",
        f"{BASE}/deals/{Deal.objects.first().pk}/history/",
    ):
        body = anonymous.get(path).json()
        assert body["results"][0]["action"] == "created", path


def test_createcurator_prints_a_working_token(capsys):
    call_command("createcurator", "dana")
    token = capsys.readouterr().out.strip()
    client = token_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(f"{BASE}/sources/", {"kind": "article", "title": "Filed by Dana"}, format="json")
    assert response.status_code == 201
    assert Source.objects.get(title="Filed by Dana").history.get().history_user.username == "dana"


def test_anonymous_reads_are_throttled(monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "1000/minute"})
    anonymous = token_client()
    codes = [anonymous.get(f"{BASE}/actors/serbia/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
