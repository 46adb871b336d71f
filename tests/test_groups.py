"""Groups and regions: SIPRI's regions, NATO, the EU and the CSTO with membership years, and the deal filters
that count a party as a member only for the years it was one."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.choices import POLITY_KINDS
from actors.models import Actor, Membership
from actors.selectors import SIPRI_REGIONS, member_in_year, region_groups, region_of, subregion_groups
from deals.models import Deal, Delivery

from .factories import make_deal, make_deals

pytestmark = pytest.mark.django_db

DEALS = "/api/v1/deals/"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"

# Polities of states.json that SIPRI places in no region, each with the reason (the fixture's notes say the same).
UNPLACED = {
    "antarctica",
    "bouvet-island",
    "french-southern-territories",
    "heard-island-and-mcdonald-islands",
    "south-georgia-and-the-south-sandwich-islands",
    "british-indian-ocean-territory",
}


def actor(slug: str) -> Actor:
    return Actor.objects.get(slug=slug)


def deal_ids(client, **params) -> set[int]:
    response = client.get(DEALS, {**params, "page_size": 500})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def deal_to(recipient: str, year: int | None, supplier: str = "russia") -> Deal:
    return make_deal(supplier=actor(supplier), recipient=actor(recipient), year=year)


# --- The reference fixture ---


def test_regions_and_subregions_are_sipris():
    assert sorted(region_groups().values_list("slug", flat=True)) == sorted(SIPRI_REGIONS)
    subregions = {a.slug: a.part_of.slug if a.part_of else None for a in subregion_groups().select_related("part_of")}
    assert subregions == {
        "north-africa": "africa",
        "sub-saharan-africa": "africa",
        "central-america-and-the-caribbean": "americas",
        "north-america": "americas",
        "south-america": "americas",
        "central-asia": "asia-and-oceania",
        "east-asia": "asia-and-oceania",
        "oceania": "asia-and-oceania",
        "south-asia": "asia-and-oceania",
        "south-east-asia": "asia-and-oceania",
        "central-europe": "europe",
        "eastern-europe": "europe",
        "western-europe": "europe",
        "middle-east": None,  # no subregions: its own
    }
    assert not Membership.objects.filter(group__in=region_groups()).exclude(year_from=None, year_to=None).exists()
    assert not Membership.objects.filter(group__in=subregion_groups()).exclude(year_from=None, year_to=None).exists()


def test_every_polity_of_the_states_fixture_is_in_one_subregion_and_its_region():
    records = json.loads((FIXTURES / "states.json").read_text(encoding="utf-8"))
    polities = {
        r["fields"]["slug"] for r in records if r["model"] == "actors.actor" and r["fields"]["kind"] in POLITY_KINDS
    }
    assert len(polities) == 260 and polities >= UNPLACED
    regions = {a.pk: a for a in region_groups()}
    subregions = {a.pk: a for a in subregion_groups()}
    placed = {}
    for membership in Membership.objects.filter(member__slug__in=polities).select_related("member"):
        placed.setdefault(membership.member.slug, []).append(membership.group_id)
    assert set(placed) == polities - UNPLACED
    for slug, groups in placed.items():
        in_regions = [g for g in groups if g in regions]
        in_subregions = [g for g in groups if g in subregions]
        assert len(in_regions) == 1 and len(in_subregions) == 1, slug
        subregion = subregions[in_subregions[0]]
        assert (subregion.part_of_id or subregion.pk) == in_regions[0], slug


@pytest.mark.parametrize(
    "slug, subregion",
    [
        ("turkiye", "middle-east"),
        ("egypt", "middle-east"),
        ("iran", "middle-east"),
        ("cyprus", "western-europe"),
        ("greece", "western-europe"),
        ("armenia", "eastern-europe"),
        ("azerbaijan", "eastern-europe"),
        ("georgia", "eastern-europe"),
        ("serbia", "central-europe"),
        ("mexico", "central-america-and-the-caribbean"),
        ("afghanistan", "south-asia"),
        ("soviet-union", "eastern-europe"),
        ("yugoslavia", "central-europe"),
        ("south-vietnam", "south-east-asia"),
    ],
)
def test_borderline_and_historical_states_lie_where_sipri_puts_them(slug, subregion):
    annotated = Actor.objects.filter(slug=slug).annotate(sub=region_of("pk", subregion=True), region=region_of("pk"))
    row = annotated.values("sub", "region").get()
    expected = actor(subregion)
    assert row == {"sub": expected.pk, "region": (expected.part_of_id or expected.pk)}


def test_every_membership_in_the_fixture_names_its_source():
    records = json.loads((FIXTURES / "groups.json").read_text(encoding="utf-8"))
    memberships = [r["fields"] for r in records if r["model"] == "actors.membership"]
    assert len(memberships) > 500
    assert all(m["source"] for m in memberships)
    assert not Membership.objects.filter(source=None).exists()
    assert actor("nato").kind == "organisation"  # reused from the seed article, not a second NATO
    assert Actor.objects.filter(name="NATO").count() == 1


def test_organisations_have_the_membership_years_of_the_anchors():
    def spans(group, member):
        return list(
            Membership.objects.filter(group__slug=group, member__slug=member)
            .order_by("year_from")
            .values_list("year_from", "year_to")
        )

    assert actor("nato").memberships.count() == 32
    assert spans("nato", "finland") == [(2023, None)]
    assert spans("nato", "sweden") == [(2024, None)]
    assert spans("nato", "germany") == [(1955, None)]
    assert spans("nato", "east-germany") == []
    assert actor("european-union").memberships.filter(year_to=None).count() == 27
    assert spans("european-union", "united-kingdom") == [(1973, 2020)]
    assert spans("csto", "uzbekistan") == [(1994, 1999), (2006, 2012)]
    assert spans("csto", "georgia") == spans("csto", "azerbaijan") == [(1994, 1999)]
    assert spans("csto", "armenia") == [(1994, None)]


# --- The deal filters ---


def test_finland_counts_as_nato_from_2023(client):
    before, joined = (
        deal_to("finland", 2022, supplier="united-states"),
        deal_to("finland", 2023, supplier="united-states"),
    )
    found = deal_ids(client, recipient_group="nato")
    assert joined.pk in found and before.pk not in found


def test_sweden_counts_as_nato_from_2024(client):
    before, joined = deal_to("sweden", 2023), deal_to("sweden", 2024)
    found = deal_ids(client, recipient_group="nato")
    assert joined.pk in found and before.pk not in found


def test_the_united_kingdom_counts_as_eu_from_1973_to_2020(client):
    deals = {year: deal_to("united-kingdom", year) for year in (1972, 1973, 2019, 2020, 2021)}
    found = deal_ids(client, recipient_group="european-union")
    assert {year for year, deal in deals.items() if deal.pk in found} == {1973, 2019, 2020}


def test_the_supplier_side_and_several_groups(client):
    uzbek = {year: deal_to("serbia", year, supplier="uzbekistan") for year in (2005, 2010, 2013)}
    gulf = deal_to("serbia", 2000, supplier="qatar")
    american = deal_to("serbia", 2000, supplier="united-states")
    found = deal_ids(client, supplier_group="csto,gulf-cooperation-council")
    assert uzbek[2010].pk in found and gulf.pk in found
    assert uzbek[2005].pk not in found and uzbek[2013].pk not in found and american.pk not in found
    assert deal_ids(client, supplier_group=["csto", "gulf-cooperation-council"]) == found
    # The seed's Russian deals to Serbia (2021) are CSTO supplies too.
    assert Deal.objects.filter(supplier__slug="russia", recipient__slug="serbia", year=2021).exists()
    assert {d.pk for d in Deal.objects.filter(supplier__slug="russia", year=2021, review_status="reviewed")} <= found


def test_both_sides_at_once_and_by_id(client):
    inside = deal_to("poland", 2010, supplier="germany")
    outside = deal_to("poland", 1990, supplier="germany")
    found = deal_ids(client, supplier_group="nato", recipient_group=str(actor("european-union").pk))
    assert inside.pk in found and outside.pk not in found


def test_a_deal_without_a_year_counts_for_regions_only(client):
    undated = deal_to("poland", None)
    assert undated.pk in deal_ids(client, recipient_group="europe")
    assert undated.pk in deal_ids(client, recipient_group="central-europe")
    assert undated.pk not in deal_ids(client, recipient_group="nato")


def test_regions_filter_whatever_the_year(client):
    found = deal_ids(client, recipient_group="europe")
    serbian = set(Deal.objects.filter(recipient__slug="serbia", review_status="reviewed").values_list("id", flat=True))
    assert serbian and serbian <= found
    assert not found & set(
        Deal.objects.exclude(recipient__member_of__group__slug="europe").values_list("id", flat=True)
    )
    assert not deal_ids(client, recipient_group="south-america")


@pytest.mark.parametrize("value", ["atlantis", "serbia", "RS", "999999", "nato,bogus"])
def test_an_unknown_group_is_a_400_naming_the_parameter(client, value):
    for name in ("supplier_group", "recipient_group"):
        response = client.get(DEALS, {name: value})
        assert response.status_code == 400
        assert list(response.json()) == [name]
        assert "Unknown value" in response.json()[name][0] and "group" in response.json()[name][0]


def test_group_filters_keep_the_list_query_count_fixed(client):
    counts = []
    for extra in (12, 48):
        make_deals(extra)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                DEALS, {"supplier_group": "nato,european-union", "recipient_group": "central-europe", "page_size": 5}
            )
        assert response.status_code == 200 and response.json()["results"]
        counts.append(len(queries))
    # Two group look-ups, the count, the page, its citations and its deliveries, however many deals match.
    assert counts == [6, 6]


# --- The one definition, reused for deliveries ---


def test_member_in_year_answers_for_delivery_years_too():
    deal = deal_to("finland", 2021, supplier="united-states")
    Delivery.objects.bulk_create([Delivery(deal=deal, year=year, quantity=1) for year in (2022, 2023, 2024)])
    nato = [actor("nato").pk]
    in_nato = Delivery.objects.filter(deal=deal).filter(member_in_year(nato, OuterRef("deal__recipient_id"), "year"))
    assert sorted(in_nato.values_list("year", flat=True)) == [2023, 2024]


# --- The model's rules ---


def test_the_database_refuses_impossible_memberships():
    nato, finland = actor("nato"), actor("finland")
    for fields in (
        {"group": nato, "member": finland, "year_from": 2030, "year_to": 2029},
        {"group": nato, "member": nato},
        {"group": nato, "member": finland, "year_from": 2023},  # the same start twice
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(**fields)
    Membership.objects.create(group=actor("the-balkans"), member=actor("serbia"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=actor("the-balkans"), member=actor("serbia"))


def test_validation_refuses_overlapping_years_and_non_groups():
    nato, finland = actor("nato"), actor("finland")
    with pytest.raises(ValidationError) as overlap:
        Membership(group=nato, member=finland, year_from=2020, year_to=2023).full_clean()
    assert "overlap" in str(overlap.value.message_dict["year_from"])
    Membership(group=nato, member=finland, year_from=2000, year_to=2022).full_clean()  # before it joined: fine
    with pytest.raises(ValidationError) as not_group:
        Membership(group=actor("serbia"), member=finland).full_clean()
    assert "has members" in str(not_group.value.message_dict["group"])
    # Editing a membership does not collide with itself.
    Membership.objects.get(group=nato, member=finland).full_clean()


def test_natural_keys_round_trip():
    membership = Membership.objects.get(group__slug="csto", member__slug="uzbekistan", year_from=2006)
    assert Membership.objects.get_by_natural_key(*membership.natural_key()) == membership
    region = Membership.objects.get(group__slug="europe", member__slug="serbia")
    assert region.natural_key() == ("europe", "serbia", None)
    assert Membership.objects.get_by_natural_key("europe", "serbia", None) == region


# --- Memberships on the actor API ---


def test_an_actor_shows_its_groups_and_a_group_its_first_members(client):
    finland = client.get("/api/v1/actors/finland/").json()
    groups = {(m["group"]["slug"], m["year_from"], m["year_to"]) for m in finland["member_of"]}
    assert groups == {
        ("europe", None, None),
        ("western-europe", None, None),
        ("nato", 2023, None),
        ("european-union", 1995, None),
    }
    assert finland["member_of_count"] == 4 and finland["members"] == [] and finland["member_count"] == 0
    europe = client.get("/api/v1/actors/europe/").json()
    total = actor("europe").memberships.count()
    assert total > 50 and europe["member_count"] == total and len(europe["members"]) == 50
    by_name = actor("europe").memberships.order_by("member__name", "year_from", "id").values_list("member__slug")
    assert [m["member"]["slug"] for m in europe["members"]] == [slug for (slug,) in by_name[:50]]
    listed = client.get(europe["members_url"] + "&page_size=100").json()
    assert listed["count"] == total


def test_actors_member_of_a_group_in_any_year(client):
    def slugs(**params):
        response = client.get("/api/v1/actors/", {**params, "page_size": 100})
        assert response.status_code == 200, response.content
        return {a["slug"] for a in response.json()["results"]}

    csto = slugs(member_of="csto")
    assert {"uzbekistan", "georgia", "azerbaijan", "armenia", "russia"} <= csto and len(csto) == 9
    assert slugs(member_of="gulf-cooperation-council,asean") == slugs(member_of="gulf-cooperation-council") | slugs(
        member_of="asean"
    )
    response = client.get("/api/v1/actors/", {"member_of": "finland"})
    assert response.status_code == 400 and list(response.json()) == ["member_of"]


def test_the_admin_shows_memberships_both_ways(curator_client):
    nato = curator_client.get(reverse("admin:actors_actor_change", args=[actor("nato").pk]))
    finland = curator_client.get(reverse("admin:actors_actor_change", args=[actor("finland").pk]))
    assert nato.status_code == finland.status_code == 200
    members = nato.context["inline_admin_formsets"]
    assert {f.formset.prefix: f.formset.total_form_count() for f in members}["memberships"] == 32
    groups = {f.formset.prefix: f.formset.total_form_count() for f in finland.context["inline_admin_formsets"]}
    assert groups["member_of"] == 4


def test_a_membership_change_is_an_update_of_both_its_actors_in_the_changes_feed(client, settings):
    settings.CHANGES_SETTLE_SECONDS = 0
    since = client.get("/api/v1/changes/", {"page_size": 500}).json()
    while since["next"]:
        since = client.get(since["next"]).json()
    balkans, serbia = actor("the-balkans"), actor("serbia")
    Membership.objects.create(group=balkans, member=serbia)
    items = client.get("/api/v1/changes/", {"since": since["cursor"]}).json()["results"]
    assert sorted((i["type"], i["id"], i["action"]) for i in items) == sorted(
        [("actor", serbia.pk, "update"), ("actor", balkans.pk, "update")]
    )


# --- The statistics: deliveries by delivery year, orders by order year ---


def test_statistics_count_membership_in_the_year_that_matters(client):
    deal = deal_to("finland", 2021, supplier="united-states")
    for year in (2022, 2023):
        Delivery.objects.create(deal=deal, year=year, quantity=1, tiv=Decimal(10))
    base = {"supplier": "united-states", "recipient": "finland"}

    def tiv_by_year(path, **params):
        response = client.get(path, {**base, "by": "year", **params})
        assert response.status_code == 200, response.content
        return {row["year"]: row["tiv"] for row in response.json()["results"]}

    everything = tiv_by_year("/api/v1/stats/deliveries/")
    assert {year: float(tiv) for year, tiv in everything.items()} == {2022: 10.0, 2023: 10.0}
    # Deliveries: the delivery year decides, so 2023's delivery of a 2021 order is NATO's and 2022's is not.
    in_nato = tiv_by_year("/api/v1/stats/deliveries/", recipient_group="nato")
    assert list(in_nato) == [2023] and float(in_nato[2023]) == 10.0
    assert tiv_by_year("/api/v1/stats/deliveries/", recipient_group="european-union") == everything
    assert tiv_by_year("/api/v1/stats/deliveries/", supplier_group="nato", recipient_group="nato").keys() == {2023}
    # Orders: the order year decides, and Finland ordered in 2021, outside NATO.
    assert tiv_by_year("/api/v1/stats/orders/", recipient_group="nato") == {}
    assert list(tiv_by_year("/api/v1/stats/orders/", recipient_group="europe")) == [2021]
