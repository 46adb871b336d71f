"""Curation through the API: who may write, validated atomic writes, no lost updates, and history."""
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from actors.models import Actor
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import System

pytestmark = pytest.mark.django_db
API = "/api/v1"
ARTICLE = "Iran looks to the Balkan market for drone sales"
WILLING = "Both Serbia and Armenia would be willing to acquire Iranian weaponry"


def article():
    return Source.objects.get(title=ARTICLE)


@pytest.fixture
def anonymous():
    return APIClient()


def client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def outsider(django_user_model):
    return client_for(django_user_model.objects.create_user("reader", password="x"))


@pytest.fixture
def curator_user(django_user_model):
    user = django_user_model.objects.create_user("curator1", password="x")
    user.groups.add(Group.objects.get(name="curators"))
    return user


@pytest.fixture
def curator(curator_user):
    return client_for(curator_user)


def deal_body(**overrides):
    body = {"supplier": "iran", "recipient": "AM", "system": "iranian-combat-drones", "kind": "purchase",
            "status": "offer", "review_status": "reviewed"}
    body.update(overrides)
    return body


def spare_deal():
    """A reviewed deal with the supporting citation a reviewed deal needs."""
    deal = Deal.objects.create(supplier=Actor.objects.get(slug="china"), recipient=Actor.objects.get(slug="armenia"),
                               system=System.objects.get(slug="ch-95"), kind="purchase", status="order",
                               review_status="reviewed")
    Citation.objects.create(source=article(), deal=deal, quote=WILLING)
    return deal


# One create body, one change, and one record to change or delete, per resource.
RESOURCES = {
    "actors": (lambda: {"name": "Acme Defence", "kind": "company"}, {"notes": "Checked."},
               lambda: Actor.objects.create(slug="spare-co", name="Spare Co", kind="company"), "slug"),
    "systems": (lambda: {"designation": "ZZ-1", "category": "aircraft", "description": "trainer"},
                {"notes": "Checked."},
                lambda: System.objects.create(slug="zz-9", designation="ZZ-9",
                                              category_id=System.objects.get(slug="mig-29").category_id), "slug"),
    "deals": (lambda: deal_body(citations=[{"source": article().pk, "quote": WILLING}]), {"notes": "Checked."},
              lambda: spare_deal(), "pk"),
    "sources": (lambda: {"kind": "article", "title": "A fresh report"}, {"notes": "Checked."},
                lambda: Source.objects.create(kind="article", title="Spare"), "pk"),
    "citations": (lambda: {"source": article().pk, "actor": "armenia", "quote": WILLING}, {"note": "Checked."},
                  lambda: Citation.objects.create(source=article(), actor=Actor.objects.get(slug="armenia"),
                                                  quote=WILLING), "pk"),
}


def detail_path(resource, obj):
    key = RESOURCES[resource][3]
    return f"{API}/{resource}/{getattr(obj, key)}/"


def etag_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return response["ETag"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("outsider", 403), ("curator", 201)])
def test_create_permissions(request, resource, role, expected):
    client = request.getfixturevalue(role)
    response = client.post(f"{API}/{resource}/", RESOURCES[resource][0](), format="json")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("outsider", 403)])
def test_changes_refused_without_permission(request, resource, method, role, expected):
    client = request.getfixturevalue(role)
    obj = RESOURCES[resource][2]()
    path = detail_path(resource, obj)
    response = getattr(client, method)(path, RESOURCES[resource][1], format="json", HTTP_IF_MATCH=etag_of(client, path))
    assert response.status_code == expected
    obj.refresh_from_db()  # still there, unchanged


@pytest.mark.parametrize("resource", RESOURCES)
def test_curator_updates_and_deletes(curator, resource):
    create, change, make, _ = RESOURCES[resource]
    obj = make()
    path = detail_path(resource, obj)
    response = curator.patch(path, change, format="json", HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 200, response.content
    field, value = next(iter(change.items()))
    assert response.json()[field] == value
    assert response["ETag"] == etag_of(curator, path)
    full = {**create(), **change}
    full.pop("citations", None)  # given with a new deal only; an existing deal's go through /citations/
    if resource == "actors":
        full["slug"] = obj.slug
    if resource == "systems":
        full["slug"] = obj.slug
    response = curator.put(path, full, format="json", HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 200, response.content
    response = curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 204
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def test_stale_if_match_is_refused_and_changes_nothing(curator, curator_user):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    path = f"{API}/deals/{deal.pk}/"
    stale = etag_of(curator, path)
    assert curator.patch(path, {"notes": "First edit."}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    history = deal.history.count()
    response = curator.patch(path, {"notes": "Second edit, from an old copy."}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    deal.refresh_from_db()
    assert deal.notes == "First edit." and deal.history.count() == history
    assert curator.delete(path, HTTP_IF_MATCH=stale).status_code == 412
    assert Deal.objects.filter(pk=deal.pk).exists()


def test_valid_if_match_succeeds_and_history_names_the_curator(curator):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    path = f"{API}/deals/{deal.pk}/"
    response = curator.patch(path, {"quantity_ordered": 6, "quantity_text": ""}, format="json",
                             HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 200
    body = curator.get(f"{path}history/").json()
    latest = body["results"][0]
    assert latest["user"] == "curator1" and latest["action"] == "changed"
    assert {"field": "quantity_ordered", "old": None, "new": 6} in latest["changes"]
    assert body["results"][-1]["action"] == "created"


def test_writes_need_if_match(curator):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    response = curator.patch(f"{API}/deals/{deal.pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]


def test_deal_with_citations_in_one_request(curator):
    body = deal_body(citations=[
        {"source": article().pk, "quote": WILLING, "stance": "supports", "hedge": "conditional",
         "hedge_text": "would be willing"},
        {"source": article().pk, "quote": "Serbia and Armenia are reportedly interested", "hedge": "reported"},
    ], deliveries=[])
    response = curator.post(f"{API}/deals/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert response["Location"] == created["url"]
    assert [c["hedge"] for c in created["citations"]] == ["conditional", "reported"]
    assert created["recipient"]["slug"] == "armenia"  # given as an ISO code


def test_one_bad_citation_stores_nothing(curator):
    counts = (Deal.objects.count(), Citation.objects.count(), Deal.history.count(), Citation.history.count())
    body = deal_body(citations=[
        {"source": article().pk, "quote": WILLING},
        {"source": article().pk, "quote": "Armenia signed for forty drones."},
        {"source": article().pk, "quote": "Serbia and Armenia are reportedly interested"},
    ])
    response = curator.post(f"{API}/deals/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["citations"]
    assert errors[0] == {} and errors[2] == {}
    assert "not found in the stored text" in errors[1]["quote"][0]
    assert (Deal.objects.count(), Citation.objects.count(), Deal.history.count(), Citation.history.count()) == counts


@pytest.mark.parametrize("body, field", [
    (deal_body(supplier="atlantis"), "supplier"),
    (deal_body(system=3.5), "system"),
    (deal_body(kind="theft"), "kind"),
    (deal_body(year=1850), "year"),
    (deal_body(quantity_ordered=-4), "quantity_ordered"),
    (deal_body(year=2020, deliveries=[{"year": 2019}]), "deliveries"),
    (deal_body(deliveries=[{"year": 2020}, {"year": 2020}]), "deliveries"),
    (deal_body(recipient="iran"), "non_field_errors"),
    (deal_body(value="12.50"), "non_field_errors"),
    (deal_body(priority="high"), "priority"),
])
def test_invalid_deals_are_400_naming_the_field(curator, body, field):
    count = Deal.objects.count()
    response = curator.post(f"{API}/deals/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Deal.objects.count() == count


def test_updating_deliveries_moves_the_span(curator):
    deal = Deal.objects.get(system__slug="ch-95")
    path = f"{API}/deals/{deal.pk}/"
    response = curator.patch(path, {"year": 2023, "deliveries": [{"year": 2024, "quantity": 10}]}, format="json",
                             HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 200, response.content
    assert response.json()["delivery_years"] == [2024]
    deal.refresh_from_db()
    assert (deal.first_delivery_year, deal.last_delivery_year) == (2024, 2024)
    assert list(Delivery.objects.filter(deal=deal).values_list("year", flat=True)) == [2024]


def test_citations_of_an_existing_deal_go_through_citations(curator):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    path = f"{API}/deals/{deal.pk}/"
    response = curator.patch(path, {"citations": []}, format="json", HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 400 and "citations" in response.json()


def test_deleting_a_referenced_actor_is_a_409_listing_the_deals(curator):
    path = f"{API}/actors/armenia/"
    response = curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 409
    body = response.json()
    assert body["referenced_by_count"] == 1 and body["referenced_by"][0]["type"] == "deal"
    assert Actor.objects.filter(slug="armenia").exists()


def test_deleting_a_cited_source_is_a_409(curator):
    path = f"{API}/sources/{article().pk}/"
    response = curator.delete(path, HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 409
    assert response.json()["referenced_by_count"] == Citation.objects.filter(source=article()).count()


def test_source_text_cannot_drop_quoted_words(curator):
    path = f"{API}/sources/{article().pk}/"
    response = curator.patch(path, {"text": "A shorter text."}, format="json", HTTP_IF_MATCH=etag_of(curator, path))
    assert response.status_code == 400 and "citation" in response.json()["text"][0]


def test_actor_aliases_and_links_by_slug(curator):
    response = curator.post(f"{API}/actors/", {
        "name": "Serbian Armed Forces", "kind": "armed_force", "part_of": "RS",
        "aliases": [{"name": "Vojska Srbije", "kind": "transliteration"}, {"name": "VS", "kind": "abbreviation"}],
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "serbian-armed-forces" and body["part_of"]["slug"] == "serbia"
    assert {a["name"] for a in body["aliases"]} == {"Vojska Srbije", "VS"}
    duplicate = curator.post(f"{API}/actors/", {"name": "X", "kind": "company",
                                                "aliases": [{"name": "Y"}, {"name": "y"}]}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["aliases"][1] == {"name": ["Listed twice."]}


def test_draft_deals_are_visible_to_curators_only(curator, anonymous, outsider):
    response = curator.post(f"{API}/deals/", deal_body(review_status="draft"), format="json")
    path = response.json()["url"]
    assert curator.get(path).status_code == 200
    assert anonymous.get(path).status_code == 404
    assert outsider.get(path).status_code == 404


def test_history_is_listed_for_every_resource(curator):
    for path in (f"{API}/actors/serbia/history/", f"{API}/systems/mig-29/history/",
                 f"{API}/sources/{article().pk}/history/",
                 f"{API}/deals/{Deal.objects.first().pk}/history/"):
        body = APIClient().get(path).json()
        assert body["results"][0]["action"] == "created", path


def test_createcurator_prints_a_working_token(capsys):
    call_command("createcurator", "dana")
    token = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(f"{API}/sources/", {"kind": "article", "title": "Filed by Dana"}, format="json")
    assert response.status_code == 201
    assert Source.objects.get(title="Filed by Dana").history.get().history_user.username == "dana"


def test_anonymous_reads_are_throttled(anonymous, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "1000/minute"})
    codes = [anonymous.get(f"{API}/actors/serbia/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_curator_locks_fields_against_reimports(curator):
    deal = Deal.objects.get(system__slug="ch-95")
    path = f"{API}/deals/{deal.pk}/"
    bad = curator.patch(path, {"locked_fields": ["notes", "not_a_field"]}, format="json", HTTP_IF_MATCH="*")
    assert bad.status_code == 400 and "locked_fields" in bad.json()
    good = curator.patch(path, {"locked_fields": ["notes", "deliveries"]}, format="json", HTTP_IF_MATCH="*")
    assert good.status_code == 200 and good.json()["locked_fields"] == ["notes", "deliveries"]
