"""The statistics' summary table stays equal to the deliveries joined to their deals, whoever writes: the ORM, bulk
writes, an import, raw SQL; and a missing trigger is put back, with the table made good, by the next migrate."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from actors.models import Actor
from deals.importers.sipri import import_release
from deals.models import Deal, Delivery
from stats import triggers
from stats.models import DeliveryFact
from systems.models import Category, System

from .factories import make_deal
from .sipri_files import per_year
from .test_import_sipri import PER_YEAR_ROWS

pytestmark = pytest.mark.django_db


def facts_match():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {triggers.COLUMNS} FROM {triggers.FACT}")
        stored = sorted(cursor.fetchall())
        cursor.execute(triggers.SELECT.format(where="1 = 1"))
        expected = sorted(cursor.fetchall())
    assert stored == expected
    return len(stored)


@pytest.fixture
def deal():
    deal = make_deal(year=2019, status="delivered", tiv_delivered=Decimal(9))
    Delivery.objects.create(deal=deal, year=2020, quantity=2, tiv=Decimal(4))
    Delivery.objects.create(deal=deal, year=2021, quantity=3)
    return deal


def public_total(client, **params):
    return client.get("/api/v1/stats/deliveries/", {"by": "year", **params}).json()["total"]


def test_every_delivery_and_its_deal_are_summarised(deal):
    assert facts_match() == Delivery.objects.count()


def test_writes_to_deliveries_deals_and_systems_reach_the_summary(client, deal):
    delivery = deal.deliveries.get(year=2021)
    delivery.tiv = Decimal(5)
    delivery.save()
    facts_match()
    Delivery.objects.filter(pk=delivery.pk).update(year=2022, quantity=1)  # one UPDATE, no save()
    facts_match()
    deal.recipient = Actor.objects.get(slug="peru")
    deal.save()
    facts_match()
    assert public_total(client, recipient="peru")["tiv"] == "9.000"
    Deal.objects.filter(pk=deal.pk).update(review_status="draft")
    facts_match()
    assert public_total(client, recipient="peru")["deals"] == 0
    System.objects.filter(pk=deal.system_id).update(category=Category.objects.exclude(pk=deal.system.category_id)[0])
    facts_match()
    delivery.delete()
    facts_match()
    Deal.objects.filter(pk=deal.pk).delete()
    assert facts_match() == Delivery.objects.count()


def test_a_deal_whose_tiv_is_not_split_is_marked_so(client, deal):
    # 2021's TIV is unknown while the deal's is known: 9 delivered, 4 of it in 2020, 5 unallocated.
    assert public_total(client, recipient="armenia")["unallocated_tiv"] == "5.000"
    Deal.objects.filter(pk=deal.pk).update(tiv_delivered=None)
    facts_match()
    assert public_total(client, recipient="armenia")["unallocated_tiv"] is None


def test_an_import_and_its_update_reach_the_summary(tmp_path):
    import_release(per_year(tmp_path, PER_YEAR_ROWS))
    facts_match()
    changed = [row.replace(",10,No,2019", ",12,No,2019") for row in PER_YEAR_ROWS]
    import_release(per_year(tmp_path, changed, generated="13 Feb 2031", name="newer.csv"))
    assert Delivery.objects.get(deal__sipri_id=70002, year=2019).quantity == 12
    facts_match()


def test_a_missing_trigger_is_put_back_and_the_summary_made_good(deal):
    triggers.uninstall(connection)
    Delivery.objects.create(deal=deal, year=2023, quantity=1, tiv=Decimal(1))
    with pytest.raises(AssertionError):
        facts_match()

    call_command("migrate", verbosity=0)

    assert triggers.installed(connection) == triggers.expected(connection)
    facts_match()


def test_each_fact_knows_its_deals_previous_delivery_year_whatever_order_the_years_come_in(client):
    deal = make_deal(year=2010, status="delivered")
    for year in (2015, 2011, 2013, 2019):  # out of order: each insert moves the later facts' previous year
        Delivery.objects.create(deal=deal, year=year, quantity=1)
        facts_match()
    Delivery.objects.filter(deal=deal, year=2013).delete()
    facts_match()
    Delivery.objects.filter(deal=deal, year=2011).update(year=2017)
    facts_match()
    previous = dict(DeliveryFact.objects.filter(deal=deal).values_list("year", "previous_year"))
    assert previous == {2015: None, 2017: 2015, 2019: 2017}
    # Counted row by row, the deal is one deal in any range that holds any of its deliveries, and none otherwise.
    for first, last, expected in [(2014, 2020, 1), (2016, 2018, 1), (2018, 2019, 1), (2020, 2025, 0), (None, 2015, 1)]:
        params = {"recipient": deal.recipient.slug, "supplier": deal.supplier.slug}
        params |= {"delivered_to": last} | ({"delivered_from": first} if first else {})
        for by in ("recipient", "system", "supplier,recipient"):
            body = client.get("/api/v1/stats/deliveries/", {"by": by, **params}).json()
            assert body["total"]["deals"] == expected, (first, last, by)
            assert sum(row["deals"] for row in body["results"]) == expected, (first, last, by)
