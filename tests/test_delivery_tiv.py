"""Each delivery year keeps its own SIPRI TIV: read from the per-year layout, derived from the classic one only where
the split is known, carried through Dealgraph's export, and filled in by re-importing releases loaded before."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from deals.export import deliveries_by_year
from deals.importers.sipri import import_release
from deals.importers.sipri.rows import parse_deliveries
from deals.models import Deal, Delivery

from .sipri_files import CLASSIC_ROWS, classic, per_year
from .test_import_sipri import PER_YEAR_ROWS

pytestmark = pytest.mark.django_db


def tivs(deal: Deal) -> list[tuple[int, Decimal | None]]:
    return [(delivery.year, delivery.tiv) for delivery in deal.deliveries.all()]


def test_the_per_year_layout_gives_each_year_its_tiv(tmp_path):
    import_release(per_year(tmp_path, PER_YEAR_ROWS))

    rafale = Deal.objects.get(sipri_id=70002)
    assert tivs(rafale) == [(2019, Decimal("600")), (2020, Decimal("1200")), (2021, Decimal("360"))]
    assert rafale.tiv_delivered == sum(tiv for _, tiv in tivs(rafale))
    assert tivs(Deal.objects.get(sipri_id=70001)) == [(2021, Decimal("300"))]


def test_the_classic_layout_splits_only_what_it_knows(tmp_path):
    import_release(classic(tmp_path, CLASSIC_ROWS, encoding="latin-1", newline="\r\n"))

    # One delivery year: the deal's delivered TIV is that year's.
    assert tivs(Deal.objects.get(system__designation="K-8 Karakorum")) == [(2022, Decimal("10"))]
    assert tivs(Deal.objects.get(system__designation="Hermes-450")) == [(2019, Decimal("1.5"))]
    # Several years and no yearly numbers: the TIV stays with the deal, unallocated, never spread evenly.
    kirpi = Deal.objects.get(system__designation="Kirpi")
    assert kirpi.tiv_delivered == Decimal("6") and tivs(kirpi) == [(2020, None), (2021, None)]
    assert [tiv for _, tiv in tivs(Deal.objects.get(system__designation="Toophan"))] == [None, None, None]


def test_the_classic_layout_derives_a_single_year_from_the_unit_value(tmp_path):
    # No TIV of delivered weapons, but the unit's TIV and the number delivered in the one delivery year.
    path = classic(tmp_path, ["Peru,Spain,2019,,4,,KT-1,trainer aircraft,3,,2021,New,,4.5,18,"])
    report = import_release(path)
    assert report.skipped == []
    assert tivs(Deal.objects.get(system__designation="KT-1")) == [(2021, Decimal("13.5"))]


def test_dealgraph_export_carries_each_years_tiv(tmp_path):
    import_release(per_year(tmp_path, PER_YEAR_ROWS))
    rafale = Deal.objects.get(sipri_id=70002)
    Delivery.objects.filter(deal=rafale, year=2020).update(tiv=None, quantity=None)
    rafale.refresh_from_db()

    written = deliveries_by_year(rafale)
    assert written == "2019:10:600.000; 2020?:?; 2021:6:360.000"
    back = parse_deliveries(written, [2019, 2020, 2021])
    assert [(row.year, row.quantity, row.tiv) for row in back] == [
        (2019, 10, Decimal("600")),
        (2020, None, None),
        (2021, 6, Decimal("360")),
    ]
    assert parse_deliveries("2024::0.300", [2024])[0].tiv == Decimal("0.3")


def test_reimporting_an_earlier_load_fills_the_tiv_and_keeps_curators_edits(tmp_path):
    path = per_year(tmp_path, PER_YEAR_ROWS)
    import_release(path)
    # The database as an import before per-year TIVs left it: no TIV on any delivery, four values a snapshot row.
    Delivery.objects.update(tiv=None)
    for deal in Deal.objects.filter(import_snapshot__isnull=False):
        deal.import_snapshot["deliveries"] = [row[:4] for row in deal.import_snapshot["deliveries"]]
        deal.save(update_fields=["import_snapshot"])
    importlib.import_module("deals.migrations.0005_delivery_tiv").extend_snapshots(apps, None)
    # Since then a curator corrected one of the Rafale deliveries.
    Delivery.objects.filter(deal__sipri_id=70002, year=2019).update(quantity=11)

    report = import_release(path)

    assert tivs(Deal.objects.get(sipri_id=70001)) == [(2021, Decimal("300"))]
    assert tivs(Deal.objects.get(sipri_id=70003)) == [(2011, Decimal("240"))]
    rafale = Deal.objects.get(sipri_id=70002)
    assert [(d.year, d.quantity, d.tiv) for d in rafale.deliveries.all()] == [
        (2019, 11, None),
        (2020, 20, None),
        (2021, 6, None),
    ]
    # The Rafale deal counts as updated too: its snapshot now records the TIVs SIPRI states, kept out of its rows.
    assert (report.updated, report.curated_kept) == (3, 1)
    assert Deal.objects.get(sipri_id=70002).import_snapshot["deliveries"][0] == [2019, False, 10, False, "600.000"]
    # And a second run finds nothing more to do.
    again = import_release(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_the_api_shows_each_years_tiv(tmp_path, client):
    import_release(per_year(tmp_path, PER_YEAR_ROWS))
    rafale = Deal.objects.get(sipri_id=70002)

    body = client.get(f"/api/v1/deals/{rafale.pk}/").json()

    assert [(row["year"], row["tiv"]) for row in body["deliveries"]] == [
        (2019, "600.000"),
        (2020, "1200.000"),
        (2021, "360.000"),
    ]
