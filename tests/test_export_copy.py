"""The CSV export PostgreSQL writes (COPY) is byte for byte the one deals/export.py writes row by row."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from actors.models import Actor
from deals import export, export_copy
from deals.models import Deal, Delivery
from deals.selectors import deal_list
from sources.models import Citation, Source
from systems.models import System

from .factories import make_deals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere the export is written row by row.")


@pytest.fixture
def awkward_deals():
    """Deals whose text needs CSV quoting, with every optional column both filled and empty."""
    deals = make_deals(6)
    soviet = Actor.objects.get(slug="soviet-union")
    company = Actor.objects.create(slug="acme-arms", name="Acme, \"Arms\" & Co", kind="company")
    generic = System.objects.get(slug="anti-aircraft-missiles")
    first, second, third, fourth = deals[:4]
    first.notes = 'Line one\nline two, with "quotes"\r\nand a trailing comma,'
    first.quantity_text, first.sipri_id = "several", 31337
    first.tiv_per_unit, first.tiv_total, first.tiv_delivered = Decimal("60.000"), Decimal("13.630"), Decimal("0.000")
    second.supplier, second.system, second.condition = soviet, generic, "second_hand_modernised"
    second.notes, second.year, second.first_delivery_year, second.last_delivery_year = "Ünïcode — “curly”", 1985, None, None
    third.supplier, third.condition, third.notes = company, "unknown", "  leading and trailing spaces  "
    fourth.year_is_estimate, fourth.quantity_ordered, fourth.quantity_ordered_is_estimate = True, 12, True
    fourth.quantity_delivered, fourth.quantity_delivered_is_estimate, fourth.kind = 10, True, "licensed_production"
    Deal.objects.bulk_update([first, second, third, fourth], [
        "notes", "quantity_text", "sipri_id", "tiv_per_unit", "tiv_total", "tiv_delivered", "supplier", "system",
        "condition", "year", "first_delivery_year", "last_delivery_year", "year_is_estimate", "quantity_ordered",
        "quantity_ordered_is_estimate", "quantity_delivered", "quantity_delivered_is_estimate", "kind",
    ])
    Delivery.objects.filter(deal=second).delete()
    Delivery.objects.create(deal=fourth, year=fourth.first_delivery_year + 1, year_is_estimate=True,
                            quantity=None, quantity_is_estimate=True)
    Delivery.objects.create(deal=fourth, year=fourth.first_delivery_year + 2, quantity=4)
    bare = Source.objects.create(kind="article", title="No publisher, no date, no link")
    full = Source.objects.create(kind="article", title="Title, with comma", publisher="Pub", url="https://e.org/x?a=1,2",
                                 published_on=datetime.date(2021, 3, 4))
    Citation.objects.create(source=bare, deal=first, quote="q1")
    Citation.objects.create(source=full, deal=first, quote="q2", locator="para 3")
    Citation.objects.create(source=full, deal=second, quote="q3", stance="contradicts")
    return deals


def both(queryset):
    assert export_copy.available(queryset)
    by_rows = "".join(export.csv_lines(queryset)).encode()
    by_copy = b"".join(export_copy.csv_lines(queryset))
    return by_rows, by_copy


@pytest.mark.parametrize("filters", [
    {}, {"recipient__iso2": "PL"}, {"supplier__slug": "soviet-union"}, {"recipient__slug": "serbia"},
    {"year__gte": 2100},
])
def test_copy_writes_what_the_rows_write(awkward_deals, filters):
    by_rows, by_copy = both(deal_list(AnonymousUser()).filter(**filters))
    assert by_copy == by_rows


def test_descending_order_and_drafts_too(awkward_deals, curator):
    make_deals(2, review_status="draft")
    by_rows, by_copy = both(deal_list(curator).order_by("-id"))
    assert by_copy == by_rows and by_rows.count(b"\r\n") > 10


def test_other_orderings_and_changed_layouts_take_the_row_path(awkward_deals, monkeypatch):
    assert not export_copy.available(deal_list(AnonymousUser()).order_by("year", "id"))
    monkeypatch.setattr(export, "HEADER", export.HEADER + ["A column added later"])
    assert not export_copy.available(deal_list(AnonymousUser()))


def test_the_endpoint_streams_the_copy(client, awkward_deals):
    response = client.get("/api/v1/deals/export.csv", {"recipient": "PL"})
    body = b"".join(response.streaming_content)
    expected = "".join(export.csv_lines(deal_list(AnonymousUser()).filter(recipient__iso2="PL"))).encode()
    assert body == expected
    ordered = client.get("/api/v1/deals/export.csv", {"recipient": "PL", "ordering": "-year"})
    assert b"".join(ordered.streaming_content).count(b"\r\n") == body.count(b"\r\n")
