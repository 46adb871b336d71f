"""Golden responses of the public read API: body bytes, status, Content-Type and ETag, compared exactly.

The files under tests/golden/ were recorded from the read path as it stood before its refactor; any later way of
building these responses must reproduce them byte for byte. `index.json` lists every case (request, who asks,
status, Content-Type, ETag, body file); each body is stored verbatim in `<case>.json` or `<case>.csv`.

To regenerate, only when a change to the API is intended, record on both databases (SQLite, then PostgreSQL; the
cases marked `per_database` keep one golden each) and review `git diff tests/golden/` before committing:

    GOLDEN_UPDATE=1 env -u DATABASE_URL .venv/bin/pytest tests/test_golden.py -p no:cacheprovider
    GOLDEN_UPDATE=1 DATABASE_URL=postgres://... .venv/bin/pytest tests/test_golden.py -p no:cacheprovider

Without GOLDEN_UPDATE a mismatch fails with the first differing byte and a unified diff of the pretty-printed bodies.

The data is the session seed plus one richly filled draft deal made here with fixed ids, and every date-time column
of every domain and history table set to fixed values, so the bytes do not depend on when the seed ran. Ids come
from the seed's insertion order into a fresh test database: `test_seed_ids_are_the_recorded_ones` says so plainly
when a run starts from another state (a reused database, or tests that reseeded it first).
"""

import contextlib
import difflib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent / "golden"
INDEX = GOLDEN / "index.json"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
DOMAIN_APPS = ("actors", "systems", "deals", "sources")
FROZEN = datetime(2025, 6, 15, 12, 34, 56, 789012, tzinfo=UTC)
HISTORY_FROZEN = datetime(2025, 7, 1, 9, 0, 0, 250000, tzinfo=UTC)

# The draft deal only curators see. Explicit ids and uids: sequences are not rolled back on PostgreSQL, so a
# drawn id would depend on which tests ran before. Values cover what the seed lacks: a date with its precision,
# money, TIVs, locked fields, deliveries, estimates, and notes with quotes, commas, a newline, non-ASCII and U+2028
# (which the JSON renderer escapes).
DRAFT_ID = 9000
DRAFT_CITATION_ID = 9000
DRAFT_HISTORY_IDS = (9001, 9002)
DRAFT = {
    "id": DRAFT_ID,
    "uid": UUID("00000000-0000-4000-8000-00000000d4af"),
    "kind": "purchase",
    "status": "negotiation",
    "year": 2022,
    "year_is_estimate": True,
    "date": datetime(2022, 3, 1).date(),
    "date_precision": "month",
    "quantity_ordered": 6,
    "quantity_ordered_is_estimate": True,
    "quantity_delivered": 2,
    "quantity_text": 'six, "maybe more"',
    "condition": "new",
    "value": Decimal("75000000.50"),
    "currency": "EUR",
    "sipri_id": 123456,
    "tiv_per_unit": Decimal("12.500"),
    "tiv_total": Decimal("75.000"),
    "tiv_delivered": Decimal("25.125"),
    "locked_fields": ["notes", "deliveries"],
    "review_status": "draft",
    "notes": 'Draft for the golden test: "quoted", a comma,\nsecond line; Vučić \u2028 after a line separator.',
}
DRAFT_QUOTE = (
    "Indeed, Iran would be willing to support the Serbian manufacturing programme in order to make it cheaper."
)


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    curator: bool = False
    follow_next: bool = False  # record the page the first response's `next` link leads to
    headers: dict = field(default_factory=dict)
    per_database: bool = False  # the databases legitimately differ here: one golden for each

    def golden_name(self, vendor: str) -> str:
        return f"{self.name}.{vendor}" if self.per_database else self.name


DEALS = "/api/v1/deals/"
EXPORT = "/api/v1/deals/export.csv"
HEADLINE = "recipient=serbia&kind=purchase&year_from=2021&year_to=2022"

CASES = [
    Case("api-root", "/api/v1/"),
    # Deals: pages.
    Case("deals-list", DEALS),
    Case("deals-list-page-size-1", DEALS + "?page_size=1"),
    Case("deals-list-page-size-5", DEALS + "?page_size=5"),
    Case("deals-list-page-2", DEALS + "?page_size=5&page=2"),
    Case("deals-list-page-last", DEALS + "?page_size=5&page=last"),
    Case("deals-cursor-first", DEALS + "?cursor=&page_size=5"),
    Case("deals-cursor-next", DEALS + "?cursor=&page_size=5", follow_next=True),
    Case("deals-cursor-desc-first", DEALS + "?cursor=&ordering=-id&page_size=4"),
    Case("deals-cursor-desc-next", DEALS + "?cursor=&ordering=-id&page_size=4", follow_next=True),
    Case("deals-format-json", DEALS + "?format=json&page_size=2"),
    # Deals: filters.
    Case("deals-headline", DEALS + "?" + HEADLINE),
    Case("deals-headline-iso", DEALS + "?recipient=RS&kind=purchase&year_from=2021&year_to=2022"),
    Case("deals-supplier-iran", DEALS + "?supplier=iran"),
    Case("deals-supplier-several", DEALS + "?supplier=BY,ir&supplier=CN"),
    Case("deals-party-armenia", DEALS + "?party=armenia"),
    Case("deals-party-russia", DEALS + "?party=russia"),
    Case("deals-system", DEALS + "?system=mig-29"),
    Case("deals-category", DEALS + "?category=armoured-vehicles,air-defence-systems"),
    Case("deals-status", DEALS + "?status=delivered"),
    Case("deals-status-several", DEALS + "?status=interest,offer"),
    Case("deals-kind-aid", DEALS + "?kind=aid"),
    Case("deals-condition", DEALS + "?condition=second_hand_modernised"),
    Case("deals-year-from", DEALS + "?year_from=2022"),
    Case("deals-delivered-range", DEALS + "?delivered_from=2021&delivered_to=2021"),
    Case("deals-delivered-from", DEALS + "?delivered_from=2023"),
    Case("deals-delivered-to", DEALS + "?delivered_to=2022"),
    Case("deals-source", DEALS + "?source=2"),
    Case("deals-q-drones", DEALS + "?q=drone"),
    Case("deals-q-alias", DEALS + "?q=96K9"),
    Case("deals-q-quote", DEALS + "?q=would%20be%20willing%20to%20support"),
    Case("deals-ordering-year-desc", DEALS + "?ordering=-year"),
    Case("deals-ordering-supplier", DEALS + "?ordering=supplier"),
    Case("deals-ordering-recipient-year", DEALS + "?ordering=recipient,-year"),
    Case("deals-ordering-system-page-2", DEALS + "?ordering=system&page_size=4&page=2"),
    Case("deals-review-status-reviewed", DEALS + "?review_status=reviewed&page_size=3"),
    Case("deals-no-match", DEALS + "?party=russia&year_to=2020"),
    # Deals: one record, its history, and the export.
    Case("deals-detail-citations-no-deliveries", DEALS + "1/"),
    Case("deals-detail-deliveries", DEALS + "14/"),
    Case("deals-detail-one-delivery", DEALS + "13/"),
    Case("deals-detail-no-year", DEALS + "8/"),
    Case("deals-history", DEALS + "1/history/"),
    Case("deals-export", EXPORT),
    Case("deals-export-headline", EXPORT + "?" + HEADLINE),
    Case("deals-export-supplier", EXPORT + "?supplier=iran&ordering=-id"),
    Case("deals-export-ordering", EXPORT + "?ordering=-year"),
    Case("deals-export-no-match", EXPORT + "?review_status=draft"),
    # Deals as a curator, who also sees the draft.
    Case("curator-deals-list", DEALS, curator=True),
    Case("curator-deals-drafts", DEALS + "?review_status=draft", curator=True),
    Case("curator-deals-headline", DEALS + "?" + HEADLINE, curator=True),
    Case("curator-deals-cursor-first", DEALS + "?cursor=&page_size=10", curator=True),
    Case("curator-deals-cursor-next", DEALS + "?cursor=&page_size=10", curator=True, follow_next=True),
    Case("curator-deals-q-draft", DEALS + "?q=golden", curator=True),
    Case("curator-deals-ordering-value", DEALS + "?ordering=-quantity_ordered&page_size=3", curator=True),
    Case("curator-deals-detail-draft", DEALS + f"{DRAFT_ID}/", curator=True),
    Case("curator-deals-detail-reviewed", DEALS + "14/", curator=True),
    Case("curator-deals-history-draft", DEALS + f"{DRAFT_ID}/history/", curator=True),
    Case("curator-deals-history-page-size-1", DEALS + f"{DRAFT_ID}/history/?page_size=1&page=2", curator=True),
    Case("curator-deals-export", EXPORT, curator=True),
    Case("curator-deals-export-drafts", EXPORT + "?review_status=draft", curator=True),
    Case("deals-detail-draft-hidden", DEALS + f"{DRAFT_ID}/"),
    # Actors.
    Case("actors-list", "/api/v1/actors/"),
    Case("actors-list-page-size-10", "/api/v1/actors/?page_size=10"),
    Case("actors-list-page-2", "/api/v1/actors/?page_size=10&page=2"),
    Case("actors-list-page-size-500", "/api/v1/actors/?page_size=500"),
    Case("actors-cursor-first", "/api/v1/actors/?cursor=&page_size=10"),
    Case("actors-cursor-next", "/api/v1/actors/?cursor=&page_size=10", follow_next=True),
    Case("actors-kind", "/api/v1/actors/?kind=person,armed_force"),
    Case("actors-iso", "/api/v1/actors/?iso=RS,ARM,irn"),
    Case("actors-part-of", "/api/v1/actors/?part_of=iran"),
    Case("actors-q", "/api/v1/actors/?q=serb"),
    Case("actors-ordering-kind", "/api/v1/actors/?ordering=kind&page_size=20"),
    Case("actors-ordering-name-desc", "/api/v1/actors/?ordering=-name&page_size=20"),
    Case("actors-detail-slug", "/api/v1/actors/serbia/"),
    Case("actors-detail-id", "/api/v1/actors/190/"),
    Case("actors-detail-part-of", "/api/v1/actors/irgc/"),
    Case("actors-detail-successors", "/api/v1/actors/yugoslavia/"),
    Case("actors-history", "/api/v1/actors/serbia/history/"),
    Case("curator-actors-detail", "/api/v1/actors/russia/", curator=True),
    # Systems.
    Case("systems-list", "/api/v1/systems/"),
    Case("systems-list-page-size-5", "/api/v1/systems/?page_size=5"),
    Case("systems-list-page-2", "/api/v1/systems/?page_size=5&page=2"),
    Case("systems-cursor-first", "/api/v1/systems/?cursor=&page_size=5"),
    Case("systems-cursor-next", "/api/v1/systems/?cursor=&page_size=5", follow_next=True),
    Case("systems-category", "/api/v1/systems/?category=aircraft"),
    Case("systems-producer", "/api/v1/systems/?producer=264"),
    Case("systems-origin", "/api/v1/systems/?origin=russia"),
    Case("systems-variant-of", "/api/v1/systems/?variant_of=mi-24,t-72"),
    Case("systems-generic", "/api/v1/systems/?is_generic=true"),
    Case("systems-q", "/api/v1/systems/?q=drone"),
    Case("systems-ordering", "/api/v1/systems/?ordering=-designation"),
    Case("systems-detail-slug", "/api/v1/systems/mig-29/"),
    Case("systems-detail-variant", "/api/v1/systems/t-72ms/"),
    Case("systems-detail-generic", "/api/v1/systems/iranian-combat-drones/"),
    Case("systems-detail-id", "/api/v1/systems/9/"),
    # Sources.
    # The default order is `-published_on, id`, and the article has no publication date: SQLite sorts NULL last in
    # a descending order, PostgreSQL first. That is how the two behave today, so each keeps its own golden.
    Case("sources-list", "/api/v1/sources/", per_database=True),
    Case("sources-list-page-2", "/api/v1/sources/?page_size=1&page=2", per_database=True),
    Case("sources-cursor-first", "/api/v1/sources/?cursor=&page_size=1"),
    Case("sources-cursor-next", "/api/v1/sources/?cursor=&page_size=1", follow_next=True),
    Case("sources-kind", "/api/v1/sources/?kind=dataset"),
    # SIPRI publishes both the dataset release and the (undated) regions page: the same NULL ordering as above.
    Case("sources-publisher", "/api/v1/sources/?publisher=sipri", per_database=True),
    Case("sources-published-range", "/api/v1/sources/?published_from=2025-01-01&published_to=2025-12-31"),
    Case("sources-q", "/api/v1/sources/?q=balkan"),
    Case("sources-ordering", "/api/v1/sources/?ordering=title"),
    Case("sources-detail-article", "/api/v1/sources/1/"),
    Case("sources-detail-dataset", "/api/v1/sources/2/"),
    Case("curator-sources-detail", "/api/v1/sources/1/", curator=True),
    # Citations.
    Case("citations-list", "/api/v1/citations/"),
    Case("citations-list-page-2", "/api/v1/citations/?page_size=10&page=2"),
    Case("citations-cursor-first", "/api/v1/citations/?cursor=&page_size=10"),
    Case("citations-cursor-next", "/api/v1/citations/?cursor=&page_size=10", follow_next=True),
    Case("citations-source", "/api/v1/citations/?source=2"),
    Case("citations-deal", "/api/v1/citations/?deal=8,9"),
    Case("citations-stance", "/api/v1/citations/?stance=contradicts"),
    Case("citations-hedge", "/api/v1/citations/?hedge=conditional,reported"),
    Case("citations-q", "/api/v1/citations/?q=drone"),
    Case("citations-ordering", "/api/v1/citations/?ordering=-id&page_size=5"),
    Case("citations-detail", "/api/v1/citations/1/"),
    Case("citations-detail-contradicts", "/api/v1/citations/18/"),
    Case("citations-detail-draft-hidden", f"/api/v1/citations/{DRAFT_CITATION_ID}/"),
    Case("curator-citations-list", "/api/v1/citations/?ordering=-id&page_size=3", curator=True),
    Case("curator-citations-detail-draft", f"/api/v1/citations/{DRAFT_CITATION_ID}/", curator=True),
    # Errors on the read path.
    Case("error-unknown-parameter", DEALS + "?colour=red"),
    Case("error-unknown-actor", DEALS + "?recipient=atlantis"),
    Case("error-bad-year", DEALS + "?year_from=twenty"),
    Case("error-year-range", DEALS + "?year_from=2022&year_to=2021"),
    Case("error-unknown-choice", DEALS + "?status=rumoured"),
    Case("error-ordering", DEALS + "?ordering=price"),
    Case("error-page-size", DEALS + "?page_size=0"),
    Case("error-page-out-of-range", DEALS + "?page=99"),
    Case("error-bad-cursor", DEALS + "?cursor=nonsense"),
    Case("error-cursor-ordering", DEALS + "?cursor=&ordering=year"),
    Case("error-page-and-cursor", DEALS + "?cursor=&page=2"),
    Case("error-deal-not-found", DEALS + "999999/"),
    Case("error-actor-not-found", "/api/v1/actors/no-such-actor/"),
    Case("error-export-filter", EXPORT + "?supplier=atlantis"),
    Case("error-history-parameter", DEALS + "1/history/?since=2020"),
]
# Cases recorded by the conditional-request tests below rather than from the table.
FLOW_CASES = [
    "conditional-detail-not-modified",
    "conditional-list-not-modified",
    "curator-patch-without-if-match",
    "curator-patch-stale-if-match",
]
VENDORS = ("sqlite", "postgresql")
ALL_NAMES = [name for case in CASES for name in sorted({case.golden_name(vendor) for vendor in VENDORS})] + FLOW_CASES
assert len(set(ALL_NAMES)) == len(ALL_NAMES), "case names must be unique"


# --- data ----------------------------------------------------------------------------------------------------------


def timestamp_columns():
    """Every date-time column of every domain model and its history table: what depends on when the seed ran."""
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]
            if names:
                yield model, names


def freeze_timestamps():
    for model, names in timestamp_columns():
        model._default_manager.update(**{name: HISTORY_FROZEN if name == "history_date" else FROZEN for name in names})


def make_draft_deal(django_user_model):
    """The draft, changed once by a curator so its history has two entries, with fixed ids and dates throughout."""
    from actors.models import Actor
    from deals.models import Deal, Delivery
    from deals.services import deal_refresh_delivery_span
    from sources.models import Citation, Source
    from systems.models import System

    editor = django_user_model.objects.create_user(username="golden-editor", password="golden-editor-pass")
    deal = Deal(
        **{**DRAFT, "status": "offer"},
        supplier=Actor.objects.get(slug="russia"),
        recipient=Actor.objects.get(slug="serbia"),
        system=System.objects.get(slug="pantsir-s1"),
    )
    deal.full_clean()
    deal.save()
    for year, quantity, estimate in ((2023, 2, False), (2024, None, True)):
        Delivery.objects.create(deal=deal, year=year, quantity=quantity, year_is_estimate=estimate)
    deal_refresh_delivery_span(deal=deal)
    citation = Citation(
        id=DRAFT_CITATION_ID,
        uid=UUID("00000000-0000-4000-8000-0000000c17ed"),
        source=Source.objects.get(pk=1),
        deal=deal,
        quote=DRAFT_QUOTE,
        locator="paragraph 7",
        hedge="conditional",
        hedge_text="would be willing",
        note="Cited by the golden test's draft.",
    )
    citation.full_clean()
    citation.save()
    deal.status = DRAFT["status"]
    deal._history_user = editor
    deal._change_reason = "Negotiations reported"
    deal.save()
    history = deal.history.model.objects
    for new_id, (old_id, _) in zip(
        DRAFT_HISTORY_IDS,
        history.filter(id=DRAFT_ID).order_by("history_id").values_list("history_id", "id"),
        strict=True,
    ):
        history.filter(history_id=old_id).update(history_id=new_id)


@pytest.fixture
def golden_data(django_user_model):
    make_draft_deal(django_user_model)
    freeze_timestamps()
    # Dates after the freeze, so the draft's two history entries keep distinct, ordered dates.
    from deals.models import Deal

    history = Deal.history.model.objects
    for offset, history_id in enumerate(DRAFT_HISTORY_IDS, start=1):
        history.filter(history_id=history_id).update(history_date=HISTORY_FROZEN + timedelta(days=offset))


# --- recording and comparing -----------------------------------------------------------------------------------------


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def observed(case_request: str, curator: bool, response) -> tuple[dict, bytes, str]:
    content_type = response.get("Content-Type")
    body = body_of(response)
    extension = ".csv" if (content_type or "").startswith("text/csv") else ".json"
    entry = {
        "request": case_request,
        "user": "curator" if curator else "anonymous",
        "status": response.status_code,
        "content_type": content_type,
        "etag": response.get("ETag"),
        "body_bytes": len(body),
    }
    return entry, body, extension


def load_index() -> dict:
    return json.loads(INDEX.read_text(encoding="utf-8")) if INDEX.exists() else {}


def write_index(index: dict) -> None:
    ordered = {name: index[name] for name in ALL_NAMES if name in index}
    INDEX.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def pretty(body: bytes, extension: str) -> list[str]:
    text = body.decode("utf-8", errors="replace")
    if extension == ".json" and body:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return text.splitlines()


def difference(expected: bytes, actual: bytes, extension: str) -> str:
    position = next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), min(len(expected), len(actual))
    )
    start = max(0, position - 60)
    lines = [
        f"bodies differ from byte {position} (expected {len(expected)} bytes, got {len(actual)}):",
        f"  expected ...{expected[start : position + 60]!r}",
        f"  actual   ...{actual[start : position + 60]!r}",
    ]
    diff = list(
        difflib.unified_diff(
            pretty(expected, extension), pretty(actual, extension), "golden", "response", lineterm="", n=2
        )
    )
    lines += diff[:120] + ([f"... {len(diff) - 120} more diff lines"] if len(diff) > 120 else [])
    return "\n".join(lines)


def check_golden(name: str, case_request: str, curator: bool, response) -> None:
    entry, body, extension = observed(case_request, curator, response)
    path = GOLDEN / f"{name}{extension}"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        index = load_index()
        for stale in GOLDEN.glob(f"{name}.*"):
            stale.unlink()
        entry["body"] = path.name if body else None
        if body:
            path.write_bytes(body)
        index[name] = entry
        write_index(index)
        return
    index = load_index()
    assert name in index, f"No golden for {name!r}: record it with GOLDEN_UPDATE=1 (see the module docstring)."
    expected_entry = dict(index[name])
    expected_body = (GOLDEN / expected_entry.pop("body")).read_bytes() if expected_entry.get("body") else b""
    problems = [
        f"{key}: golden {expected_entry.get(key)!r}, got {entry[key]!r}"
        for key in ("request", "user", "status", "content_type", "etag")
        if expected_entry.get(key) != entry[key]
    ]
    if body != expected_body:
        problems.append(difference(expected_body, body, extension))
    if problems:
        pytest.fail(
            f"{name} ({case_request}) no longer matches its golden response:\n" + "\n".join(problems), pytrace=False
        )


# --- the tests ------------------------------------------------------------------------------------------------------


def client_for(case_curator: bool, request):
    return request.getfixturevalue("curator_client" if case_curator else "client")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_golden_response(case, golden_data, request):
    client = client_for(case.curator, request)
    response = client.get(case.url, headers=case.headers)
    case_request = f"GET {case.url}"
    if case.follow_next:
        assert response.status_code == 200, response.content
        next_url = json.loads(response.content)["next"]
        assert next_url, f"{case.url} has no next page to follow"
        response = client.get(next_url)
        case_request = f"GET {case.url} then its next link"
    check_golden(case.golden_name(connection.vendor), case_request, case.curator, response)


def test_not_modified_for_the_recorded_etags(client, golden_data):
    """If-None-Match with the ETag a client was given yields a bodiless 304, for a detail and for a list."""
    for name, url in (
        ("conditional-detail-not-modified", DEALS + "14/"),
        ("conditional-list-not-modified", DEALS + "?" + HEADLINE),
    ):
        etag = client.get(url)["ETag"]
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 304 and response.content == b""
        check_golden(name, f"GET {url} with If-None-Match: its ETag", False, response)
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_if_match_update_flow(curator_client, golden_data):
    """The ETag a GET gives is the one a write accepts; once the record changes, that ETag is refused with 412.
    The 200's body carries the write's own `updated` time, so only its status and ETag are checked."""
    url = DEALS + "14/"
    etag = curator_client.get(url)["ETag"]
    if not UPDATE:
        assert etag == load_index()["curator-deals-detail-reviewed"]["etag"]
    edit = {"notes": "Checked against the SIPRI register again."}

    missing = curator_client.patch(url, edit, content_type="application/json")
    assert missing.status_code == 428
    check_golden("curator-patch-without-if-match", f"PATCH {url} without If-Match", True, missing)

    changed = curator_client.patch(url, edit, content_type="application/json", headers={"If-Match": etag})
    assert changed.status_code == 200, changed.content
    assert changed["ETag"] != etag and json.loads(changed.content)["notes"] == edit["notes"]
    assert curator_client.get(url)["ETag"] == changed["ETag"]

    stale = curator_client.patch(
        url, {"notes": "A lost update."}, content_type="application/json", headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    check_golden("curator-patch-stale-if-match", f"PATCH {url} with the ETag from before the change", True, stale)
    assert curator_client.get(url)["ETag"] == changed["ETag"]


def test_seed_ids_are_the_recorded_ones(golden_data):
    """The goldens carry ids; they hold only in a test database seeded once, fresh, before any other writes."""
    from actors.models import Actor
    from deals.models import Deal
    from sources.models import Citation, Source
    from systems.models import System

    ids = {
        "deals": [str(uid) for uid in Deal.objects.order_by("id").values_list("uid", flat=True)],
        "first_actor_ids": list(Actor.objects.order_by("id").values_list("slug", flat=True)[:5]),
        "systems": list(System.objects.order_by("id").values_list("slug", flat=True)),
        "sources": [str(uid) for uid in Source.objects.order_by("id").values_list("uid", flat=True)],
        "citations": Citation.objects.count(),
        "max_ids": [
            model.objects.order_by("-id").values_list("id", flat=True).first()
            for model in (Actor, System, Deal, Source, Citation)
        ],
    }
    path = GOLDEN / "seed-ids.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(ids, indent=2) + "\n", encoding="utf-8")
        return
    assert ids == json.loads(path.read_text(encoding="utf-8")), (
        "The seed's ids differ from those the goldens were recorded with: run on a freshly created test database "
        "(not --reuse-db), so the session seed is the first thing written."
    )


def test_no_stray_golden_files():
    """Every file under tests/golden/ belongs to a case, so a removed case leaves nothing behind to mislead."""
    index = load_index()
    expected = {"index.json", "seed-ids.json"} | {entry["body"] for entry in index.values() if entry.get("body")}
    present = {path.name for path in GOLDEN.iterdir()} if GOLDEN.exists() else set()
    if UPDATE:
        for name in present - expected:
            (GOLDEN / name).unlink()
        write_index({name: entry for name, entry in index.items() if name in ALL_NAMES})
        return
    assert present == expected, f"missing: {sorted(expected - present)}; stray: {sorted(present - expected)}"
    assert sorted(index) == sorted(ALL_NAMES), f"cases without goldens: {sorted(set(ALL_NAMES) - set(index))}"
