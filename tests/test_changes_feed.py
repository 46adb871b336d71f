"""The changes feed (/api/v1/changes/): every create, update and delete in the order written, resumable by cursor,
showing each caller only what it may see, one query a page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import ActorAlias
from changes.api.cursor import _signer
from deals.models import Delivery
from sources.models import Citation
from systems.models import SystemAlias

from .factories import article, make_actor, make_citation, make_deal, make_source, make_system, token_client

pytestmark = pytest.mark.django_db

FEED = "/api/v1/changes/"
BASE = "http://testserver/api/v1"


@pytest.fixture(autouse=True)
def settled_at_once(settings):
    """Tests read their own writes at once; the settle window has its own test."""
    settings.CHANGES_SETTLE_SECONDS = 0


def page(client, **params):
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def drain(client, since=None, page_size=500):
    """Every change after `since`, following `next`; and the cursor to poll with afterwards."""
    params = {"page_size": page_size} if since is None else {"page_size": page_size, "since": since}
    body, items = page(client, **params), []
    while True:
        items += body["results"]
        if body["next"] is None:
            return items, body["cursor"]
        response = client.get(body["next"])
        assert response.status_code == 200
        body = response.json()


def now_cursor(client):
    return drain(client)[1]


def seen(items):
    return [(item["type"], item["id"], item["action"]) for item in items]


def test_each_resource_created_updated_and_deleted_in_order_with_its_url(curator_client):
    since = now_cursor(curator_client)
    actor = make_actor()
    alias = ActorAlias.objects.create(actor=actor, name="Spare Company")
    actor.slug = "spare-co-renamed"
    actor.save()
    system = make_system()
    SystemAlias.objects.create(system=system, name="Zed Zed 9")
    source = make_source()
    citation = make_citation(source=source, actor=actor)
    citation.note = "checked"
    citation.save()
    deal = make_deal(supplier=actor, system=system)  # reviewed, with its supporting citation
    Delivery.objects.create(deal=deal, year=2023)
    deal.notes = "edited"
    deal.save()

    items, since = drain(curator_client, since)
    deal_citation = deal.citations.get()
    assert seen(items) == [
        ("actor", actor.pk, "create"),
        ("actor", actor.pk, "update"),  # its alias
        ("actor", actor.pk, "update"),
        ("system", system.pk, "create"),
        ("system", system.pk, "update"),  # its alias
        ("source", source.pk, "create"),
        ("citation", citation.pk, "create"),
        ("citation", citation.pk, "update"),
        ("deal", deal.pk, "create"),
        ("citation", deal_citation.pk, "create"),
        ("deal", deal.pk, "update"),  # the citation it embeds
        ("deal", deal.pk, "update"),  # its delivery
        ("deal", deal.pk, "update"),
    ]
    urls = [item["url"] for item in items]
    assert urls[0] == f"{BASE}/actors/spare-co/"  # the slug it had then
    assert urls[2] == f"{BASE}/actors/spare-co-renamed/"
    assert urls[3] == urls[4] == f"{BASE}/systems/zz-9/"
    assert urls[5] == f"{BASE}/sources/{source.pk}/"
    assert urls[6] == f"{BASE}/citations/{citation.pk}/"
    assert urls[8] == f"{BASE}/deals/{deal.pk}/"
    times = [item["time"] for item in items]
    assert times == sorted(times) and all(time.endswith("Z") for time in times)

    deal_pk, actor_pk, system_pk, source_pk, citation_pk = deal.pk, actor.pk, system.pk, source.pk, citation.pk
    deal.delete()  # its delivery and citation go with it, first
    citation.delete()
    alias.delete()
    actor.delete()
    system.delete()  # its alias goes with it
    source.delete()

    items, _ = drain(curator_client, since)
    assert sorted(seen(items[:3])) == sorted(
        [("deal", deal_pk, "update"), ("deal", deal_pk, "update"), ("citation", deal_citation.pk, "delete")]
    )
    assert seen(items[3:]) == [
        ("deal", deal_pk, "delete"),
        ("citation", citation_pk, "delete"),
        ("actor", actor_pk, "update"),
        ("actor", actor_pk, "delete"),
        ("system", system_pk, "update"),
        ("system", system_pk, "delete"),
        ("source", source_pk, "delete"),
    ]
    # A deleted record's URL is the one it had.
    assert items[3]["url"] == f"{BASE}/deals/{deal_pk}/"
    assert items[6]["url"] == f"{BASE}/actors/spare-co-renamed/"
    assert items[8]["url"] == f"{BASE}/systems/zz-9/"
    assert items[9]["url"] == f"{BASE}/sources/{source_pk}/"


def test_a_client_resumes_from_its_cursor_and_misses_and_repeats_nothing(client):
    since = now_cursor(client)
    sources = [make_source(title=f"Story {i}") for i in range(7)]
    for source in sources[:3]:
        source.title += " (corrected)"
        source.save()
    expected = [("source", s.pk, "create") for s in sources] + [("source", s.pk, "update") for s in sources[:3]]

    # Page by page, storing only each response's cursor, as a poller would.
    collected, cursor, calls = [], since, 0
    while True:
        body = page(client, since=cursor, page_size=3)
        collected += body["results"]
        cursor, calls = body["cursor"], calls + 1
        if body["next"] is None:
            break
        assert body["next"].startswith(f"{BASE}/changes/?") and "page_size=3" in body["next"]
    assert seen(collected) == expected
    assert calls == 4  # 3 + 3 + 3 + 1

    # Caught up: the same cursor again gives nothing, and keeps the client where it is.
    body = page(client, since=cursor, page_size=3)
    assert body == {"results": [], "next": None, "cursor": cursor}

    # Later changes, and only those.
    gone = sources[0].pk
    sources[0].delete()
    later = make_source(title="Later")
    items, _ = drain(client, cursor, page_size=2)
    assert seen(items) == [("source", gone, "delete"), ("source", later.pk, "create")]


def test_without_since_the_feed_starts_at_the_beginning_of_the_history(client):
    source = make_source()
    first = page(client, page_size=1)
    assert len(first["results"]) == 1 and first["next"] is not None
    items, _ = drain(client)
    assert items[0] == first["results"][0]
    assert seen(items)[-1] == ("source", source.pk, "create")


def test_drafts_stay_out_of_the_public_feed_and_unpublishing_is_a_delete(curator_client):
    client = token_client()  # anonymous; `client` itself is the one curator_client logs in
    anonymous_since, curator_since = now_cursor(client), now_cursor(curator_client)
    draft = make_deal(review_status="draft")
    Delivery.objects.create(deal=draft, year=2024)
    quote = Citation.objects.create(source=article(), deal=draft, quote="Both Serbia and Armenia")
    unrelated = make_source()

    items, anonymous_since = drain(client, anonymous_since)
    assert seen(items) == [("source", unrelated.pk, "create")]

    draft.review_status = "reviewed"
    draft.save()
    draft.notes = "checked"
    draft.save()
    draft.review_status = "draft"
    draft.save()
    Delivery.objects.create(deal=draft, year=2025)  # while a draft again
    quote.note = "edited while a draft"
    quote.save()
    draft_pk = draft.pk
    draft.delete()

    items, _ = drain(client, anonymous_since)
    assert seen(items) == [("deal", draft_pk, "create"), ("deal", draft_pk, "update"), ("deal", draft_pk, "delete")]

    items, _ = drain(curator_client, curator_since)
    deal_entries = [entry for entry in seen(items) if entry[0] == "deal"]
    assert deal_entries[0] == ("deal", draft_pk, "create")
    assert deal_entries[-1] == ("deal", draft_pk, "delete")
    assert ("deal", draft_pk, "delete") not in deal_entries[:-1]  # unpublishing is an update to a curator
    assert ("citation", quote.pk, "create") in seen(items) and ("citation", quote.pk, "update") in seen(items)


def test_a_draft_system_is_out_of_the_public_feed_until_it_is_reviewed(curator_client):
    client = token_client()
    anonymous_since, curator_since = now_cursor(client), now_cursor(curator_client)
    system = make_system(review_status="draft")
    items, anonymous_since = drain(client, anonymous_since)
    assert ("system", system.pk, "create") not in seen(items)
    assert ("system", system.pk, "create") in seen(drain(curator_client, curator_since)[0])
    system.review_status = "reviewed"
    system.save()
    items, _ = drain(client, anonymous_since)
    assert seen(items) == [("system", system.pk, "create")]  # to the public it begins when it is reviewed


def test_a_public_deal_citations_show_and_a_draft_deals_do_not(client):
    since = now_cursor(client)
    public = make_deal()  # reviewed, with its citation
    draft = make_deal(review_status="draft")
    on_draft = Citation.objects.create(source=article(), deal=draft, quote="Both Serbia and Armenia")
    on_actor = make_citation()

    items, _ = drain(client, since)
    public_quote = public.citations.get()
    assert seen(items) == [
        ("deal", public.pk, "create"),
        ("citation", public_quote.pk, "create"),
        ("deal", public.pk, "update"),
        ("citation", on_actor.pk, "create"),
    ]
    assert on_draft.pk not in {item["id"] for item in items if item["type"] == "citation"}


def test_changes_newer_than_the_settle_window_wait_for_a_later_poll(client, settings):
    since = now_cursor(client)
    settings.CHANGES_SETTLE_SECONDS = 60
    source = make_source()
    body = page(client, since=since)
    assert body["results"] == [] and body["cursor"] == since
    settings.CHANGES_SETTLE_SECONDS = 0
    assert seen(page(client, since=since)["results"]) == [("source", source.pk, "create")]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "garbage"},
        {"since": "WzAsMCwwXQ"},  # a position without its signature
        {"since": "x" * 5000},
        {"since": _signer.sign_object({"time": 0})},  # signed, but not a position
        {"since": _signer.sign_object([0, 99, 0])},  # no such branch
        {"since": _signer.sign_object([-1, 0, 0])},
        {"since": _signer.sign_object([10**20, 0, 0])},  # past any date
    ],
    ids=["garbage", "unsigned", "long", "not-a-position", "branch", "negative", "overflow"],
)
def test_a_cursor_the_api_did_not_issue_is_a_400_naming_since(client, params):
    response = client.get(FEED, params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert list(response.json()) == ["since"]


def test_a_tampered_cursor_is_a_400(client):
    make_source()
    cursor = page(client)["cursor"]
    payload, signature = cursor.split(":")
    tampered = payload[:-1] + ("A" if payload[-1] != "A" else "B") + ":" + signature
    response = client.get(FEED, {"since": tampered})
    assert response.status_code == 400 and list(response.json()) == ["since"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"q": "a"}, "q"),
        ({"since": ["", ""]}, "since"),
    ],
)
def test_other_bad_parameters_are_a_400_naming_them(client, params, named):
    response = client.get(FEED, params)
    assert response.status_code == 400 and list(response.json()) == [named]


def count_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        body = page(client, **params)
    return len(queries), body


@pytest.mark.parametrize("who", ["anonymous", "curator"])
def test_one_query_a_page_whatever_its_size(request, who):
    client = request.getfixturevalue("client" if who == "anonymous" else "curator_client")
    make_deal()  # every kind of row is in the history: the seed's, and a deal with its citation
    page(client)  # a session's user and permissions, cached for the requests after
    small, body = count_queries(client, page_size=2)
    assert len(body["results"]) == 2
    large, body = count_queries(client, page_size=200)
    assert len(body["results"]) == 200
    assert small == large
    if who == "anonymous":
        assert small == 1


def test_the_schema_documents_the_feed(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = response.json()["paths"]["/api/v1/changes/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"since", "page_size"}
    assert client.get("/api/v1/").json()["changes"] == f"{BASE}/changes/"
