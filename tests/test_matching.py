"""Matching deals that different sources record, and merging them: the rules, a SIPRI release against the seed
article, the matches endpoint, the merge endpoint and service, the admin, and the real SIPRI releases."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from deals import services
from deals.matching import TOLERANCE, Families, extends, forms, match_refresh, normalise
from deals.models import Deal, DealMatch, DealMerge, Delivery
from deals.services import deal_merge
from sources.models import Citation
from systems.models import System

from .api_contract import BASE, MISSING, etag_of, history_of, row_counts, with_overrides
from .factories import article, make_curator, make_deal, make_deals, make_source, make_system, token_client
from .sipri_files import classic

pytestmark = pytest.mark.django_db

SIPRI_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "sipri"
REAL_RELEASES = [
    SIPRI_DATA / "trade-register-2025-10-deliveries.csv",
    SIPRI_DATA / "trade-register-2026-02-per-year.csv",
]
HEADLINE = {"recipient": "serbia", "kind": "purchase", "year_from": 2021, "year_to": 2022, "page_size": 100}

# SIPRI's records of Serbia's 2021 purchases from Russia as the seed article names them, SIPRI's own designations
# and dates, plus rows that must not match: another radar, the CH-95 (the article says CH-92), another recipient's
# Mi-35M and a Russian missile the article does not name.
SERBIA_ROWS = [
    "Serbia,Belarus,2017,,4,,MiG-29S,fighter aircraft,4,,2021,Second hand but modernized,"
    "Second-hand but modernized before delivery; aid,13.63,54.52,54.52",
    "Serbia,Russia,2019,?,4,,Mi-35M,combat helicopter,4,,2021,New,,11.5,46,46",
    "Serbia,Russia,2021,,3,,Mi-17V-5,transport helicopter,3,,2022,New,$25 m deal,7.25,21.75,21.75",
    "Serbia,Russia,2020,,30,,T-72MS,tank,30,,2020; 2021,Second hand but modernized,"
    "Second-hand but modernized before delivery; part of aid worth EUR75 m,1.41,42.3,42.3",
    "Serbia,Russia,2019,?,6,,96K9 Pantsyr-S1,self-propelled air-defence system,6,,2020,New,Pantsyr-S1E version,11,66,66",
    "Serbia,France,2021,?,7,?,Ground Master-200,air-search radar,3,?,2024,New,,10,70,30",
    "Serbia,China,2022,?,10,?,CH-95,armed UAV,10,?,2022; 2023,New,,2,20,20",
    "Hungary,Russia,2021,?,4,,Mi-35M,combat helicopter,4,,2022,New,,11.5,46,46",
    "Serbia,Russia,2021,?,300,?,Kornet,anti-tank missile,300,?,2021,New,Kornet-EM version,0.04,12,12",
]
RELEASE_TITLE = "SIPRI Arms Transfers Database: trade register (data generated 3 Mar 2030)"
# The article's deal (by system slug) and the designation of SIPRI's deal it is the same transfer as.
SAME_TRANSFERS = {"mi-35": "Mi-35M", "mi-17": "Mi-17V-5", "t-72ms": "T-72MS", "pantsir-s1": "Pantsir-S1"}


def article_deal(system_slug: str) -> Deal:
    return Deal.objects.get(supplier__slug="russia", recipient__slug="serbia", system__slug=system_slug, year=2021)


def release_deal(designation: str, supplier: str = "russia", recipient: str = "serbia") -> Deal:
    cites = Citation.objects.filter(source__title=RELEASE_TITLE).values("deal_id")
    return Deal.objects.get(
        pk__in=cites, supplier__slug=supplier, recipient__slug=recipient, system__designation=designation
    )


def matches_of(deal: Deal) -> dict[int, str]:
    return dict(DealMatch.objects.filter(deal=deal).values_list("other_id", "relation"))


def import_file(path) -> str:
    out = io.StringIO()
    call_command("import_sipri", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def serbia_release(tmp_path):
    return classic(tmp_path, SERBIA_ROWS)


@pytest.fixture
def api_curator(django_user_model):
    return token_client(make_curator(django_user_model))


def merge(client, deal: Deal, into: Deal, **body):
    path = f"{BASE}/deals/{deal.pk}/"
    return client.post(f"{path}merge/", {"into": into.pk, **body}, format="json", HTTP_IF_MATCH=etag_of(client, path))


# The rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "short, long, related",
    [
        ("Mi-35", "Mi-35M", True),
        ("T-72", "T-72MS", True),
        ("MiG-29", "MiG-29S", True),
        ("Mi-17", "Mi-17V-5", True),
        ("Mi-35", "Mi-350", False),  # a digit follows: another number, not a version
        ("CH-92", "CH-95", False),
        ("Pantsir", "Pantsyr-S1", True),  # transliterated
    ],
)
def test_designations_related_by_prefix(short, long, related):
    assert any(extends(a, b) for a in forms(short) for b in forms(long)) is related


def test_forms_strip_a_leading_index_and_read_alternatives():
    assert normalise("Pantsyr-S1") == normalise("Pantsir-S1") == "pantsirs1"
    assert "pantsirs1" in forms("96K9 Pantsyr-S1")
    assert {"mi24v", "mi35"} <= forms("Mi-24V/Mi-35")
    # Plain words and calibres are no designations: engines and guns of one calibre stay apart.
    assert forms("vehicle engine") == {"vehicleengine"} and "155mm" not in forms("M-114 155mm")


def test_families_join_variants_aliases_and_designations_but_not_generic_entries():
    ids = {s.slug: s.pk for s in System.objects.all()}
    families = Families(ids.values())
    same = families.family
    assert same(ids["t-72ms"]) == same(ids["t-72"])  # variant_of
    assert same(ids["mi-35"]) == same(ids["mi-24"])
    assert same(ids["ch-92"]) != same(ids["ch-95"])
    assert same(ids["mig-29"]) != same(ids["mi-35"])
    generic = [pk for slug, pk in ids.items() if System.objects.get(pk=pk).is_generic]
    assert len({same(pk) for pk in generic}) == len(generic)
    assert families.why(ids["t-72ms"], ids["t-72"]) == "T-72MS is a variant of T-72"


def seed_like_pair(supplier="russia", year=2021, other_year=2021, system=None, **other_fields):
    """An article deal and a deal another source supports, both to Serbia, of a system no other deal has."""
    serbia = Actor.objects.get(slug="serbia")
    system = System.objects.get(slug=system) if system else make_system()
    mine = make_deal(supplier=Actor.objects.get(slug="russia"), recipient=serbia, system=system, year=year)
    other = Deal.objects.create(
        supplier=Actor.objects.get(slug=supplier),
        recipient=serbia,
        system=system,
        kind="purchase",
        status="order",
        year=other_year,
        review_status="reviewed",
        **other_fields,
    )
    Citation.objects.create(source=make_source(title="Another report"), deal=other, quote="a row")
    return mine, other


@pytest.mark.parametrize("other_year, matched", [(2021 - TOLERANCE, True), (2021 - TOLERANCE - 1, False)])
def test_years_must_come_within_the_tolerance(other_year, matched):
    mine, other = seed_like_pair(other_year=other_year)
    match_refresh([mine.pk])
    assert (other.pk in matches_of(mine)) is matched


def test_a_deal_without_a_year_matches_on_the_rest_and_says_so():
    mine, other = seed_like_pair(other_year=None)
    assert match_refresh([other.pk]) == 1
    match = DealMatch.objects.get(deal=other, other=mine)
    assert match.relation == "same_transfer" and "no year to compare" in match.reason


def test_deals_one_source_supports_are_never_matched_nor_a_deal_with_itself():
    mine, other = seed_like_pair()
    Citation.objects.create(source=article(), deal=other, quote="Serbia")
    assert match_refresh([mine.pk, other.pk]) == 0
    assert not DealMatch.objects.filter(deal__in=[mine, other]).exists()


def test_another_supplier_is_a_contradiction_and_both_directions_are_stored():
    mine, other = seed_like_pair(supplier="belarus")
    match_refresh(Deal.objects.filter(pk=mine.pk))
    assert matches_of(mine) == {other.pk: "contradicts"} and matches_of(other) == {mine.pk: "contradicts"}
    reason = DealMatch.objects.get(deal=mine).reason
    assert reason.startswith("Same recipient and system family (both ZZ-9) but another supplier (Russia here")
    # A refresh replaces the deal's old matches, in both directions.
    other.year = 2000
    other.save()
    assert match_refresh([other.pk]) == 0
    assert not DealMatch.objects.filter(deal__in=[mine, other]).exists()


def test_a_supplier_part_of_the_other_is_the_same_transfer():
    russia = Actor.objects.get(slug="russia")
    ministry = Actor.objects.create(slug="ru-mod", name="Russian MoD", kind="government_body", part_of=russia)
    mine, other = seed_like_pair(supplier="russia")
    Deal.objects.filter(pk=other.pk).update(supplier=ministry)
    match_refresh([mine.pk])
    assert matches_of(mine) == {other.pk: "same_transfer"}
    assert DealMatch.objects.get(deal=mine).reason.startswith("Related suppliers, recipient and system family")


# A SIPRI release against the seed article ----------------------------------------------------------------------


def test_a_sipri_release_matches_the_seed_articles_deals(serbia_release):
    text = import_file(serbia_release)
    assert "Matches: 4 possible same transfer(s), 1 contradiction(s)" in text

    for slug, designation in SAME_TRANSFERS.items():
        mine = article_deal(slug)
        assert matches_of(mine) == {release_deal(designation).pk: "same_transfer"}, slug
    mig = article_deal("mig-29")
    belarus = release_deal("MiG-29", supplier="belarus")  # SIPRI's MiG-29S row updated the seeded record of it
    assert matches_of(mig) == {belarus.pk: "contradicts"}
    reason = DealMatch.objects.get(deal=article_deal("mi-35")).reason
    assert reason == (
        "Same supplier, recipient and system family (Mi-35M is a variant of Mi-35); years within 2 "
        "(ordered 2021; the other ordered 2019, delivered 2021)."
    )
    # Nothing else is the same transfer: not the CH-95 for the CH-92, not Hungary's Mi-35M, not the Kornet.
    assert DealMatch.objects.filter(relation="same_transfer").count() == 2 * len(SAME_TRANSFERS)
    assert not DealMatch.objects.filter(deal__system__slug__in=["ch-92", "ch-95"]).exists()
    assert not DealMatch.objects.filter(deal__recipient__slug="hungary").exists()


def headline(client=None) -> list[tuple[str, str, int]]:
    response = (client or token_client()).get(f"{BASE}/deals/", HEADLINE)
    assert response.status_code == 200
    return sorted((d["supplier"]["slug"], d["system"]["name"], d["year"]) for d in response.json()["results"])


def test_merging_each_same_transfer_lists_it_once_with_both_sources(serbia_release, api_curator):
    import_file(serbia_release)
    twice = headline()
    # Before: the article's Mi-17 and SIPRI's Mi-17V-5 order of 2021 both answer "what did Serbia buy".
    assert ("russia", "Mi-17", 2021) in twice and ("russia", "Mi-17V-5", 2021) in twice

    kept = {}
    for slug, designation in SAME_TRANSFERS.items():
        mine, sipri = article_deal(slug), release_deal(designation)
        # SIPRI's row is kept: it has SIPRI's figures, and a re-import finds it again and updates it in place.
        response = merge(api_curator, mine, sipri)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert body["id"] == sipri.pk
        assert {c["source"]["title"] for c in body["citations"]} == {RELEASE_TITLE, article().title}
        assert token_client().get(f"{BASE}/deals/{mine.pk}/").status_code == 404
        kept[slug] = (mine.pk, sipri.pk)

    once = headline()
    assert once == [
        ("china", "CH-92", 2022),
        ("china", "anti-aircraft missiles", 2022),
        ("france", "Ground Master-200", 2021),
        ("russia", "Kornet", 2021),
        ("russia", "Mi-17V-5", 2021),
        ("russia", "MiG-29", 2021),
    ]
    # The Mi-35, T-72MS and Pantsir-S1 now carry SIPRI's order years (2019, 2020, 2019) and the T-72s SIPRI's
    # kind (aid): no transfer is listed twice, and those are outside this question as SIPRI dates them.
    assert len(once) == len(twice) - len(SAME_TRANSFERS)

    mi35 = Deal.objects.get(pk=kept["mi-35"][1])
    assert (mi35.quantity_ordered, mi35.year, mi35.tiv_per_unit is not None) == (4, 2019, True)
    assert f"Merged from deal {kept['mi-35'][0]} (source: {article().title}): Russia → Serbia, Mi-35, purchase, " in (
        mi35.notes
    )
    entries = history_of(token_client(), f"{BASE}/deals/{mi35.pk}/")
    # Newest first: the absorbed deal's deletion, then the kept deal's change, down to both creations.
    assert [(e["action"], e["reason"], e.get("merged_from")) for e in entries[:2]] == [
        ("deleted", f"Merged into deal {mi35.pk}", kept["mi-35"][0]),
        ("changed", f"Merged deal {kept['mi-35'][0]} into this one", None),
    ]
    absorbed = [e for e in entries if e.get("merged_from") == kept["mi-35"][0]]
    assert [e["action"] for e in absorbed] == ["deleted", "created"]
    assert any(e["action"] == "created" and "merged_from" not in e for e in entries)  # the import's own
    assert [e["date"] for e in entries] == sorted((e["date"] for e in entries), reverse=True)

    # Re-importing the release changes nothing and keeps the merges: SIPRI's deals keep the article's citations.
    before = row_counts(), Deal.history.count()
    text = import_file(serbia_release)
    assert "deals created 0, updated 0" in text
    assert (row_counts(), Deal.history.count()) == before
    for mine_pk, sipri_pk in kept.values():
        assert Deal.objects.get(pk=sipri_pk).citations.filter(source=article()).exists()
        assert DealMerge.objects.filter(merged_id=mine_pk, into_id=sipri_pk).exists()
    assert headline() == once


def test_merging_an_article_deal_into_a_contradicting_record_keeps_both_readings(serbia_release):
    import_file(serbia_release)
    mine, belarus = article_deal("mig-29"), release_deal("MiG-29", supplier="belarus")
    quote = mine.citations.get(source=article())
    kept = deal_merge(deal=mine, into=belarus, stance="contradicts")
    assert (kept.quantity_ordered, kept.quantity_text, kept.supplier.slug) == (4, "several", "belarus")
    quote.refresh_from_db()
    assert (quote.deal_id, quote.stance) == (belarus.pk, "contradicts")
    assert "Russia → Serbia, MiG-29, purchase, order, year 2021, quantity 'several'." in kept.notes
    assert DealMerge.objects.get(merged_id=mine.pk).snapshot["quantity_text"] == "several"
    assert not DealMatch.objects.filter(deal=kept).exists()  # matched with the absorbed deal only


# The merge service ---------------------------------------------------------------------------------------------


def test_merge_copies_deliveries_and_figures_only_where_the_kept_deal_has_none():
    mine, other = seed_like_pair(other_year=2021, quantity_ordered=6)
    Delivery.objects.create(deal=mine, year=2022, quantity=2)
    Delivery.objects.create(deal=mine, year=2023, quantity=3)
    Delivery.objects.create(deal=other, year=2023, quantity=9)
    Deal.objects.filter(pk=mine.pk).update(quantity_ordered=5, quantity_text="five", value=10, currency="USD")
    kept = deal_merge(deal=Deal.objects.get(pk=mine.pk), into=other)
    assert (kept.quantity_ordered, kept.quantity_text, kept.value, kept.currency) == (6, "five", 10, "USD")
    assert [(d.year, d.quantity) for d in kept.deliveries.order_by("year")] == [(2022, 2), (2023, 9)]
    assert (kept.first_delivery_year, kept.last_delivery_year) == (2022, 2023)
    assert not Deal.objects.filter(pk=mine.pk).exists()


def test_merge_refuses_itself_and_an_unknown_or_invisible_deal(django_user_model):
    mine, other = seed_like_pair()
    with pytest.raises(ValidationError) as error:
        deal_merge(deal=mine, into=mine)
    assert "into" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        deal_merge(deal=mine, into=Deal(pk=999_999_999))
    assert "into" in error.value.message_dict
    Deal.objects.filter(pk=other.pk).update(review_status="draft")
    reader = django_user_model.objects.create_user("reader", password="x")
    with pytest.raises(ValidationError) as error:
        deal_merge(deal=mine, into=other, user=reader)
    assert "into" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        deal_merge(deal=mine, into=other, stance="maybe")
    assert "stance" in error.value.message_dict
    assert Deal.objects.filter(pk__in=[mine.pk, other.pk]).count() == 2


def test_a_chain_of_merges_keeps_every_absorbed_history():
    first, second = seed_like_pair()
    third = make_deal(
        supplier=Actor.objects.get(slug="russia"), recipient=first.recipient, system=first.system, year=2022
    )
    deal_merge(deal=first, into=second)
    deal_merge(deal=second, into=third)
    assert set(DealMerge.objects.filter(into=third).values_list("merged_id", flat=True)) == {first.pk, second.pk}
    entries = history_of(token_client(), f"{BASE}/deals/{third.pk}/")
    assert {e.get("merged_from") for e in entries} == {None, first.pk, second.pk}


# The matches endpoint ------------------------------------------------------------------------------------------


def matches_url(deal: Deal) -> str:
    return f"{BASE}/deals/{deal.pk}/matches/"


def test_matches_endpoint_shape():
    mine, other = seed_like_pair(supplier="belarus")
    match_refresh([mine.pk])
    body = token_client().get(matches_url(mine)).json()
    assert body["count"] == 1 and body["next"] is None
    (row,) = body["results"]
    assert set(row) == {"deal", "relation", "reason"} and row["relation"] == "contradicts"
    assert row["deal"]["id"] == other.pk and row["deal"]["url"].endswith(f"/api/v1/deals/{other.pk}/")
    assert {"id", "url", "supplier", "recipient", "system", "year", "status", "kind"} <= set(row["deal"])
    assert row["deal"]["supplier"]["slug"] == "belarus" and row["deal"]["system"]["name"] == "ZZ-9"


@pytest.mark.parametrize("as_curator", [False, True])
def test_matches_take_a_fixed_number_of_queries(django_user_model, as_curator):
    deals = make_deals(40)
    client = token_client(make_curator(django_user_model)) if as_curator else token_client()
    counts = []
    for n in (0, 1, 25, 39):
        DealMatch.objects.all().delete()
        DealMatch.objects.bulk_create(
            DealMatch(deal=deals[0], other=other, relation="same_transfer", reason="test") for other in deals[1 : n + 1]
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(matches_url(deals[0]), {"page_size": 30})
        assert response.status_code == 200 and response.json()["count"] == n
        assert len(response.json()["results"]) == min(n, 30)
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts
    assert counts[0] == (7 if as_curator else 3), [q["sql"] for q in queries]


def test_anonymous_callers_see_no_draft_in_matches(api_curator):
    mine, other = seed_like_pair(supplier="belarus")
    match_refresh([mine.pk])
    Deal.objects.filter(pk=other.pk).update(review_status="draft")
    assert token_client().get(matches_url(mine)).json()["count"] == 0
    assert api_curator.get(matches_url(mine)).json()["count"] == 1
    assert token_client().get(matches_url(other)).status_code == 404
    assert api_curator.get(matches_url(other)).json()["results"][0]["deal"]["id"] == mine.pk


@pytest.mark.parametrize("params, field", [({"bogus": "1"}, "bogus"), ({"page_size": "0"}, "page_size")])
def test_matches_refuse_bad_parameters_naming_them(params, field):
    response = token_client().get(matches_url(Deal.objects.filter(review_status="reviewed").first()), params)
    assert response.status_code == 400 and field in response.json()


def test_matches_of_an_unknown_deal_or_past_the_last_page_are_a_404():
    response = token_client().get(f"{BASE}/deals/999999999/matches/")
    assert response.status_code == 404 and "detail" in response.json()
    deal = Deal.objects.filter(review_status="reviewed").first()
    assert token_client().get(matches_url(deal), {"page": "2"}).status_code == 404


# The merge endpoint --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("reader", 403), ("adder", 403)])
def test_merge_needs_the_change_and_delete_permissions(django_user_model, role, expected):
    mine, other = seed_like_pair()
    user = None
    if role != "anonymous":
        user = django_user_model.objects.create_user(role, password="x")
    if role == "adder":
        from django.contrib.auth.models import Permission

        user.user_permissions.set(Permission.objects.filter(codename__in=["add_deal", "view_deal", "change_deal"]))
    before = row_counts()
    response = merge(token_client(user), mine, other)
    assert response.status_code == expected, response.content[:300]
    assert row_counts() == before


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"into": 999_999_999}, "into"),
        ({"into": "abc"}, "into"),
        ({"into": None}, "into"),
        ({"into": MISSING}, "into"),
        ({"stance": "maybe"}, "stance"),
        ({"extra": 1}, "extra"),
    ],
)
def test_merge_refuses_a_bad_body_naming_the_field(api_curator, overrides, field):
    mine, other = seed_like_pair()
    path = f"{BASE}/deals/{mine.pk}/"
    before = row_counts()
    body = with_overrides({"into": other.pk}, overrides)
    response = api_curator.post(f"{path}merge/", body, format="json", HTTP_IF_MATCH=etag_of(api_curator, path))
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert row_counts() == before


def test_merge_into_itself_is_a_400_naming_into(api_curator):
    mine, _ = seed_like_pair()
    response = merge(api_curator, mine, mine)
    assert response.status_code == 400 and "into" in response.json()


def test_merge_needs_a_current_if_match(api_curator):
    mine, other = seed_like_pair()
    path = f"{BASE}/deals/{mine.pk}/merge/"
    assert api_curator.post(path, {"into": other.pk}, format="json").status_code == 428
    assert api_curator.post(path, {"into": other.pk}, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    assert Deal.objects.filter(pk=mine.pk).exists()


def test_a_failed_merge_leaves_both_deals_as_they_were(api_curator, monkeypatch):
    mine, other = seed_like_pair()
    Delivery.objects.create(deal=mine, year=2022, quantity=2)

    def refuse(deals):
        raise ValidationError({"into": ["Refused at the last step."]})

    monkeypatch.setattr(services, "match_refresh", refuse)
    before = row_counts(), [Deal.objects.filter(pk=pk).values().get() for pk in (mine.pk, other.pk)]
    citations = list(Citation.objects.filter(deal__in=[mine, other]).values_list("id", "deal_id", "stance"))
    response = merge(api_curator, mine, other)
    assert response.status_code == 400 and response.json() == {"into": ["Refused at the last step."]}
    assert (row_counts(), [Deal.objects.filter(pk=pk).values().get() for pk in (mine.pk, other.pk)]) == before
    assert list(Citation.objects.filter(deal__in=[mine, other]).values_list("id", "deal_id", "stance")) == citations
    assert not DealMerge.objects.exists()


# The admin -----------------------------------------------------------------------------------------------------


def test_admin_shows_matches_and_merges_from_the_match_list(curator_client):
    mine, other = seed_like_pair()
    match_refresh([mine.pk])
    page = curator_client.get(f"/admin/deals/deal/{mine.pk}/change/").content.decode()
    assert "Possibly the same transfer" in page and f"/admin/deals/deal/{other.pk}/change/" in page
    listing = curator_client.get("/admin/deals/dealmatch/", {"deal__id__exact": mine.pk})
    assert listing.status_code == 200 and len(listing.context["cl"].result_list) == 1
    match = DealMatch.objects.get(deal=mine)
    response = curator_client.post(
        "/admin/deals/dealmatch/", {"action": "merge_into_other", "_selected_action": [match.pk]}, follow=True
    )
    assert response.status_code == 200
    assert f"Merged deal {mine.pk} into deal {other.pk}." in response.content.decode()
    assert not Deal.objects.filter(pk=mine.pk).exists()
    assert DealMerge.objects.get(merged_id=mine.pk).user.username == "curator"
    assert curator_client.get("/admin/deals/dealmerge/").status_code == 200


# The real SIPRI releases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_RELEASES, ids=lambda p: p.name)
def test_real_releases_match_the_seed_articles_purchases(path):
    if not path.exists():
        pytest.skip(f"The real SIPRI export is not at {path}: ../shared/data/sipri is missing.")
    import_file(path)
    same = {
        slug: {Deal.objects.get(pk=pk).system.label for pk, rel in matches_of(article_deal(slug)).items()}
        for slug in SAME_TRANSFERS
    }
    assert same["mi-35"] >= {"Mi-35M"} and same["mi-17"] == {"Mi-17"} and same["t-72ms"] == {"T-72"}
    assert same["pantsir-s1"] <= {"Pantsir-S1", "Pantsyr"} and same["pantsir-s1"]
    assert [Deal.objects.get(pk=pk).supplier.slug for pk in matches_of(article_deal("mig-29"))] == ["belarus"]
    for slug in SAME_TRANSFERS:
        relations = DealMatch.objects.filter(deal=article_deal(slug), other__supplier__slug="russia")
        assert set(relations.values_list("relation", flat=True)) == {"same_transfer"}, slug


def test_match_deals_command_recomputes_hand_entered_deals():
    mine, other = seed_like_pair(supplier="belarus")
    out = io.StringIO()
    call_command("match_deals", stdout=out)
    assert "0 possible same transfer(s), 2 contradiction(s)." in out.getvalue()  # with the seed's MiG-29s
    assert matches_of(mine) == {other.pk: "contradicts"}
    call_command("match_deals", str(other.pk), stdout=out)
    assert matches_of(other) == {mine.pk: "contradicts"}


def test_merging_sipris_deal_into_the_articles_still_lets_a_reimport_find_it(serbia_release):
    import_file(serbia_release)
    mine, sipri = article_deal("mi-35"), release_deal("Mi-35M")
    kept = deal_merge(deal=sipri, into=mine)
    # The article's readings stand; SIPRI's fill the blanks and its import snapshot comes along.
    assert (kept.system.slug, kept.year, kept.quantity_ordered) == ("mi-35", 2021, 4)
    assert kept.import_snapshot is not None and kept.citations.filter(source__title=RELEASE_TITLE).exists()
    before = row_counts()
    text = import_file(serbia_release)
    assert "deals created 0, updated 0" in text
    assert row_counts() == before
    kept.refresh_from_db()
    assert (kept.system.slug, kept.year) == ("mi-35", 2021)
