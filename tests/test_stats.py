"""The statistics endpoints: SIPRI's TIV tables from the API, checked against a real SIPRI export summed with the
csv module, and on a small world of deals whose every total is worked out by hand."""

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from deals.importers.sipri import import_release
from deals.models import Deal, Delivery
from systems.models import System

from .factories import make_actor, make_deal, make_deals

PER_YEAR_FILE = (
    Path(__file__).resolve().parent.parent.parent
    / "shared"
    / "data"
    / "sipri"
    / ("trade-register-2026-02-per-year.csv")
)
DELIVERIES, ORDERS = "/api/v1/stats/deliveries/", "/api/v1/stats/orders/"
HERE = {"recipient": "poland,peru"}  # the world below; the seed's deals are elsewhere


def deal_with(deliveries=(), **fields) -> Deal:
    deal = make_deal(**fields)
    for year, quantity, tiv in deliveries:
        Delivery.objects.create(deal=deal, year=year, quantity=quantity, tiv=tiv)
    return deal


@pytest.fixture
def world(db):
    a = {slug: Actor.objects.get(slug=slug) for slug in ("france", "germany", "italy", "poland", "peru")}
    mig, ch95 = System.objects.get(slug="mig-29"), System.objects.get(slug="ch-95")
    return {
        # Split by year in full.
        "fr-pl": deal_with(
            [(2020, 4, Decimal(40)), (2021, 6, Decimal(60))],
            supplier=a["france"],
            recipient=a["poland"],
            system=mig,
            year=2019,
            status="delivered",
            quantity_ordered=10,
            tiv_total=Decimal(100),
            tiv_delivered=Decimal(100),
        ),
        # 2022's share of the delivered TIV is not known: 50 delivered, 30 of it in 2021, 20 unallocated.
        "de-pl": deal_with(
            [(2021, 2, Decimal(30)), (2022, None, None)],
            supplier=a["germany"],
            recipient=a["poland"],
            system=ch95,
            year=2020,
            status="delivered",
            quantity_ordered=3,
            tiv_total=Decimal(60),
            tiv_delivered=Decimal(50),
        ),
        "fr-pe": deal_with(
            [(2016, 1, Decimal(5))],
            supplier=a["france"],
            recipient=a["peru"],
            system=mig,
            year=2015,
            status="delivered",
            tiv_total=Decimal(5),
            tiv_delivered=Decimal(5),
        ),
        # A draft: only curators count it.
        "it-pl": deal_with(
            [(2021, 1, Decimal(1000))],
            supplier=a["italy"],
            recipient=a["poland"],
            system=mig,
            year=2021,
            status="delivered",
            review_status="draft",
        ),
        # Ordered, year unknown, nothing delivered.
        "de-pe": deal_with(
            supplier=a["germany"],
            recipient=a["peru"],
            system=ch95,
            year=None,
            status="order",
            quantity_ordered=2,
            tiv_total=Decimal(7),
        ),
    }


def get(client, url, **params):
    response = client.get(url, {**HERE, **params})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def rows(body, *dimensions):
    return [
        (
            *(row[d]["slug"] if isinstance(row[d], dict) else row[d] for d in dimensions),
            row["tiv"],
            row["units"],
            row["deals"],
        )
        for row in body["results"]
    ]


def test_deliveries_by_recipient_count_only_the_years_asked_for(client, world):
    body = get(client, DELIVERIES, by="recipient", delivered_from=2020, delivered_to=2022)

    assert rows(body, "recipient") == [("poland", "130.000", 12, 2)]
    assert body["results"][0]["recipient"]["name"] == "Poland"
    assert body["results"][0]["share"] == 1.0
    assert body["total"] == {"tiv": "130.000", "units": 12, "deals": 2, "unallocated_tiv": "20.000"}
    assert body["count"] == 1 and body["by"] == ["recipient"]


def test_shares_are_fractions_of_the_filtered_total(client, world):
    body = get(client, DELIVERIES, by="recipient")

    assert rows(body, "recipient") == [("poland", "130.000", 12, 2), ("peru", "5.000", 1, 1)]
    assert [row["share"] for row in body["results"]] == [130 / 135, 5 / 135]
    assert body["total"]["tiv"] == "135.000"


def test_unallocated_tiv_counts_only_deals_unsplit_in_the_range(client, world):
    # 2022 is where Germany's deal lacks its split; in 2020-2021 every delivery's TIV is known.
    assert get(client, DELIVERIES, by="year", delivered_to=2021)["total"]["unallocated_tiv"] is None
    assert get(client, DELIVERIES, by="year", delivered_from=2022)["total"]["unallocated_tiv"] == "20.000"


def test_supplier_by_year_is_a_time_series_largest_first(client, world):
    body = get(client, DELIVERIES, by="supplier,year", delivered_from=2020, delivered_to=2022)

    assert rows(body, "supplier", "year") == [
        ("france", 2021, "60.000", 6, 1),
        ("france", 2020, "40.000", 4, 1),
        ("germany", 2021, "30.000", 2, 1),
        ("germany", 2022, None, None, 1),
    ]
    by_year = get(client, DELIVERIES, by="supplier,year", delivered_from=2020, ordering="year,-tiv")
    assert [(row["year"], row["supplier"]["slug"]) for row in by_year["results"]] == [
        (2020, "france"),
        (2021, "france"),
        (2021, "germany"),
        (2022, "germany"),
    ]


def test_flow_matrix_and_categories(client, world):
    flows = get(client, DELIVERIES, by="supplier,recipient")
    assert rows(flows, "supplier", "recipient") == [
        ("france", "poland", "100.000", 10, 1),
        ("germany", "poland", "30.000", 2, 1),
        ("france", "peru", "5.000", 1, 1),
    ]
    systems = get(client, DELIVERIES, by="system")
    assert systems["results"][0]["system"]["slug"] == "mig-29" and systems["results"][0]["system"]["category"]
    categories = get(client, DELIVERIES, by="category")
    assert {row["category"]["slug"] for row in categories["results"]} == {
        System.objects.get(slug=slug).category.slug for slug in ("mig-29", "ch-95")
    }


def test_orders_group_by_order_year_with_unknown_years_apart(client, world):
    body = get(client, ORDERS, by="year", ordering="year")

    assert rows(body, "year") == [
        (2015, "5.000", None, 1),
        (2019, "100.000", 10, 1),
        (2020, "60.000", 3, 1),
        (None, "7.000", 2, 1),
    ]
    assert body["total"] == {"tiv": "172.000", "units": 15, "deals": 4}
    assert get(client, ORDERS, by="supplier", year_from=2019)["total"]["deals"] == 2


def test_drafts_count_for_curators_only(curator_client, world):
    public = get(Client(), DELIVERIES, by="recipient", delivered_from=2021, delivered_to=2021)
    curated = get(curator_client, DELIVERIES, by="recipient", delivered_from=2021, delivered_to=2021)

    assert public["total"]["tiv"] == "90.000"
    assert curated["total"]["tiv"] == "1090.000"


def test_every_deal_filter_applies(client, world):
    assert rows(get(client, DELIVERIES, by="supplier", system="ch-95"), "supplier") == [("germany", "30.000", 2, 1)]
    assert get(client, DELIVERIES, by="supplier", kind="aid")["results"] == []
    only_france = get(client, DELIVERIES, by="recipient", supplier="france", year_from=2019)
    assert rows(only_france, "recipient") == [("poland", "100.000", 10, 1)]


def test_pivot_csv_is_sipris_table_layout(client, world):
    response = client.get(
        DELIVERIES, {**HERE, "by": "supplier,year", "delivered_from": 2020, "delivered_to": 2022, "format": "csv"}
    )

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(response.content.decode().splitlines()))
    assert lines[1][0].startswith("SIPRI trend-indicator values (TIVs) are in millions")
    assert any("20.000 TIV" in line[0] for line in lines[:6] if line)
    table = lines[lines.index([]) + 1 :]
    assert table == [
        ["Supplier", "2020", "2021", "2022", "Total"],
        ["France", "40.000", "60.000", "", "100.000"],
        ["Germany", "", "30.000", "", "30.000"],
        ["Total", "40.000", "90.000", "", "130.000"],
    ]


def test_flat_csv_keeps_names_from_running_as_formulas(client, world):
    evil = make_actor(slug="evil-co", name='=HYPERLINK("http://x")', kind="company")
    deal_with([(2021, 1, Decimal(1))], supplier=evil, recipient=Actor.objects.get(slug="poland"), year=2021)

    response = client.get(DELIVERIES, {**HERE, "by": "supplier", "format": "csv", "q": "=cmd"})
    lines = list(csv.reader(response.content.decode().splitlines()))
    assert all(not cell.startswith("=") for line in lines for cell in line)
    response = client.get(DELIVERIES, {**HERE, "by": "supplier", "format": "csv"})
    table = list(csv.reader(response.content.decode().splitlines()))
    assert ['\'=HYPERLINK("http://x")', "1.000", "0.7", "1", "1"] in table
    assert table[-1][0] == "Total"


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "by"),
        ({"by": "colour"}, "by"),
        ({"by": "year,year"}, "by"),
        ({"by": "supplier,recipient,year"}, "by"),
        ({"by": "year", "ordering": "supplier"}, "ordering"),
        ({"by": "year", "ordering": "price"}, "ordering"),
        ({"by": "year", "delivered_from": 2025, "delivered_to": 2020}, "delivered_to"),
        ({"by": "year", "recipient": "atlantis"}, "recipient"),
        ({"by": "year", "colour": "red"}, "colour"),
        ({"by": "year", "page": 99}, "detail"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(client, world, params, field):
    response = client.get(DELIVERIES, params)
    assert response.status_code in (400, 404), response.content[:300]
    assert field in response.json(), response.json()


@pytest.mark.parametrize("url, by", [(DELIVERIES, "recipient"), (DELIVERIES, "supplier,year"), (ORDERS, "system")])
def test_a_fixed_number_of_queries_whatever_the_page_size(client, world, url, by):
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"by": by, "page_size": size})
        assert response.status_code == 200
        counts.append(len(queries))
    # The rows (which carry the number of groups, and the total unless grouped by year, when a deal can fall in several
    # groups), the total by year, the unallocated TIV (deliveries), one query per kind of record.
    records = sum(1 for name in by.split(",") if name != "year")
    totalled = 1 if "year" in by else 0
    assert counts == [1 + totalled + records + (1 if url == DELIVERIES else 0)] * 2, counts


def sipri_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SIPRI AT Database ID"))
    reader = csv.reader(line.removesuffix(";") for line in lines[start:])
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


@pytest.mark.parametrize("side", ["recipient", "supplier"])
def test_top_ten_of_a_real_sipri_export_equal_the_files_own_sums(db, client, side):
    """SIPRI's fact-sheet tables: each party's sum of "TIV delivery values" over delivery years 2021-2025, and its
    share of the world total of the same rows."""
    if not PER_YEAR_FILE.exists():
        pytest.skip(f"The real SIPRI export is not at {PER_YEAR_FILE}: ../shared/data/sipri is missing.")
    report = import_release(PER_YEAR_FILE)
    assert report.skipped == []
    column = side.title()
    actor_of = dict(Deal.objects.filter(sipri_id__isnull=False).values_list("sipri_id", f"{side}_id"))
    sums, world = defaultdict(Decimal), Decimal(0)
    for row in sipri_rows(PER_YEAR_FILE):
        if 2021 <= int(row["Delivery year"]) <= 2025 and row["TIV delivery values"]:
            tiv = Decimal(row["TIV delivery values"])
            sums[actor_of[int(row["SIPRI AT Database ID"])]] += tiv
            world += tiv
            assert row[column]  # every row names its party
    expected = sorted(sums.items(), key=lambda item: (-item[1], item[0]))[:10]

    body = get_all(client, by=side, delivered_from=2021, delivered_to=2025, page_size=10)

    assert Decimal(body["total"]["tiv"]) == world
    got = [(row[side]["id"], Decimal(row["tiv"]), row["share"]) for row in body["results"]]
    assert got == [(actor, tiv.quantize(Decimal("0.001")), float(tiv / world)) for actor, tiv in expected]


def get_all(client, **params):
    response = client.get(DELIVERIES, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


@pytest.fixture
def t72_family(db):
    """A made-up family, TT-72 → TT-72B → TT-72B3 (the seed has the real T-72), and an unrelated TT-90; one
    reviewed delivered deal each, to Peru."""
    armour = System.objects.get(slug="mig-29").category
    t72 = System.objects.create(slug="tt-72", designation="TT-72", category=armour)
    t72b = System.objects.create(slug="tt-72b", designation="TT-72B", category=armour, variant_of=t72)
    t72b3 = System.objects.create(slug="tt-72b3", designation="TT-72B3", category=armour, variant_of=t72b)
    t90 = System.objects.create(slug="tt-90", designation="TT-90", category=armour)
    peru, russia = Actor.objects.get(slug="peru"), Actor.objects.get(slug="russia")
    for tiv, system in ((1, t72), (2, t72b), (4, t72b3), (8, t90)):
        deal_with([(2020, 1, Decimal(tiv))], supplier=russia, recipient=peru, system=system, year=2019)
    return t72


def test_variants_roll_up_at_any_depth(client, t72_family):
    def designations(**params):
        response = client.get("/api/v1/deals/", {"recipient": "peru", **params})
        assert response.status_code == 200, response.content[:300]
        return sorted(row["system"]["designation"] for row in response.json()["results"])

    assert designations(system="tt-72") == ["TT-72"]
    assert designations(system="tt-72", variants="true") == ["TT-72", "TT-72B", "TT-72B3"]
    assert designations(system="tt-72b", variants="true") == ["TT-72B", "TT-72B3"]
    assert designations(system="tt-72,tt-90", variants="false") == ["TT-72", "TT-90"]
    total = get(client, DELIVERIES, by="recipient", system="tt-72", variants="true")["total"]
    assert (total["tiv"], total["deals"]) == ("7.000", 3)


def test_variants_need_a_system(client, t72_family):
    response = client.get("/api/v1/deals/", {"variants": "true"})
    assert response.status_code == 400 and "variants" in response.json()


def test_actor_profile_is_the_statistics_of_its_own_deals(client, world):
    profile = client.get("/api/v1/actors/poland/profile/").json()

    imports = profile["imports"]
    assert [(row["year"], row["tiv"], row["units"], row["deals"]) for row in imports["by_year"]] == [
        (2020, "40.000", 4, 1),
        (2021, "90.000", 8, 2),
        (2022, None, None, 1),
    ]
    assert imports["total"] == {"tiv": "130.000", "units": 12, "deals": 2, "unallocated_tiv": "20.000"}
    by_supplier = client.get(DELIVERIES, {"recipient": "poland", "by": "supplier"}).json()["results"]
    assert imports["partners"] == by_supplier
    assert [row["supplier"]["slug"] for row in imports["partners"]] == ["france", "germany"]
    assert profile["exports"] == {
        "total": {"tiv": None, "units": None, "deals": 0, "unallocated_tiv": None},
        "by_year": [],
        "partners": [],
        "categories": [],
    }
    france = client.get("/api/v1/actors/france/profile/", {"delivered_from": 2021}).json()
    assert [(row["recipient"]["slug"], row["tiv"]) for row in france["exports"]["partners"]] == [("poland", "60.000")]
    assert france["delivered_from"] == 2021 and france["actor"]["name"] == "France"


def test_actor_profile_refuses_what_it_cannot_answer(client, world):
    assert client.get("/api/v1/actors/atlantis/profile/").status_code == 404
    bad = client.get("/api/v1/actors/poland/profile/", {"delivered_from": "soon"})
    assert bad.status_code == 400 and "delivered_from" in bad.json()
    unknown = client.get("/api/v1/actors/poland/profile/", {"by": "year"})
    assert unknown.status_code == 400 and "by" in unknown.json()


def test_actor_profile_reads_a_fixed_number_of_queries(client, world):
    def count(slug):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/actors/{slug}/profile/").status_code == 200
        return len(queries)

    before = count("poland")
    make_deals(30)  # thirty more suppliers' deliveries to Poland, over twenty years
    assert count("poland") == before
    # The actor, then for each side: years, partners, categories and unallocated TIV; the total too where no
    # partner row carries it (Poland exports nothing); for a side with deals the briefs of partners and categories.
    assert before == 1 + (4 + 2) + 5


def test_regions_group_by_sipris_regions_and_subregions(client, world):
    regions = get(client, DELIVERIES, by="recipient_region")
    assert rows(regions, "recipient_region") == [("europe", "130.000", 12, 2), ("americas", "5.000", 1, 1)]
    assert regions["results"][0]["recipient_region"]["name"] == "Europe"
    sub = get(client, DELIVERIES, by="recipient_subregion,supplier_region", ordering="recipient_subregion")
    assert [(r["recipient_subregion"]["name"], r["supplier_region"]["slug"], r["tiv"]) for r in sub["results"]] == [
        ("Central Europe", "europe", "130.000"),
        ("South America", "europe", "5.000"),
    ]
    between = get(client, DELIVERIES, by="supplier_region,recipient_region")
    assert [(r["supplier_region"]["slug"], r["recipient_region"]["slug"], r["tiv"]) for r in between["results"]] == [
        ("europe", "europe", "130.000"),
        ("europe", "americas", "5.000"),
    ]
    orders = get(client, ORDERS, by="recipient_region")
    assert rows(orders, "recipient_region") == [("europe", "160.000", 13, 2), ("americas", "12.000", 2, 2)]
    pivot = client.get(DELIVERIES, {**HERE, "by": "recipient_region,year", "format": "csv", "delivered_from": 2020})
    table = list(csv.reader(pivot.content.decode().splitlines()))
    assert ["Recipient Region", "2020", "2021", "2022", "Total"] in table
    assert ["Europe", "40.000", "90.000", "", "130.000"] in table
