"""The CSV export PostgreSQL writes (COPY) is byte for byte the one deals/export.py writes row by row."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from actors.models import Actor
from deals import export, export_copy
from deals.models import Deal, Delivery
from deals.selectors import deal_list
from sources.models import Citation, Source
from systems.models import Category, System

from .factories import make_deals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere the export is written row by row.")


@pytest.fixture
def awkward_deals():
    """Deals on which every export column takes at least two values, one of them not empty: text needing CSV
    quoting in every text column, estimates, multi-year deliveries, NULLs, each condition, a draft."""
    deals = make_deals(7)
    soviet = Actor.objects.get(slug="soviet-union")
    company = Actor.objects.create(slug="acme-arms", name='Acme, "Arms" & Co', kind="company")
    group = Actor.objects.create(slug="the-front", name='The "Front",\nnorth', kind="non_state_group")
    generic = System.objects.get(slug="anti-aircraft-missiles")
    System.objects.filter(pk=generic.pk).update(description='SAM, "long range"')
    sensors = Category.objects.create(slug="odd-sensors", name='Sensors, "odd"')
    radar = System.objects.create(slug="r-1", designation='R-1 "Ring", mod. 2', description="", category=sensors)
    first, second, third, fourth, fifth, sixth, draft = deals
    first.notes = 'Line one\nline two, with "quotes"\r\nand a trailing comma,'
    first.quantity_text, first.sipri_id, first.condition = 'about 12, "perhaps"', 31337, "new"
    first.tiv_per_unit, first.tiv_total, first.tiv_delivered = Decimal("60.000"), Decimal("13.630"), Decimal("0.000")
    second.supplier, second.system, second.condition = soviet, generic, "second_hand_modernised"
    second.notes, second.year, second.first_delivery_year, second.last_delivery_year = (
        "Ünïcode — “curly”",
        1985,
        None,
        None,
    )
    second.status, second.kind = "agreement", "aid"
    third.supplier, third.condition, third.notes = company, "unknown", "  leading and trailing spaces  "
    fourth.year_is_estimate, fourth.quantity_ordered, fourth.quantity_ordered_is_estimate = True, 12, True
    fourth.quantity_delivered, fourth.quantity_delivered_is_estimate, fourth.kind = 10, True, "licensed_production"
    fourth.status, fourth.condition, fourth.quantity_text = "delivery_in_progress", "second_hand", "12"
    fourth.last_delivery_year = fourth.first_delivery_year + 3
    fifth.recipient, fifth.system, fifth.year, fifth.quantity_ordered = group, radar, None, 0
    fifth.supplier, fifth.tiv_per_unit, fifth.sipri_id = soviet, Decimal("0.125"), 7
    sixth.recipient, sixth.status = soviet, "cancelled"
    Deal.objects.bulk_update(
        [first, second, third, fourth, fifth, sixth],
        [
            "notes",
            "quantity_text",
            "sipri_id",
            "tiv_per_unit",
            "tiv_total",
            "tiv_delivered",
            "supplier",
            "recipient",
            "system",
            "condition",
            "year",
            "first_delivery_year",
            "last_delivery_year",
            "year_is_estimate",
            "quantity_ordered",
            "quantity_ordered_is_estimate",
            "quantity_delivered",
            "quantity_delivered_is_estimate",
            "kind",
            "status",
        ],
    )
    Deal.objects.filter(pk=draft.pk).update(review_status="draft", notes="a draft")
    # A value no choice names any more is written as stored, as get_FOO_display() does.
    Deal.objects.filter(pk=sixth.pk).update(kind="barter")
    Delivery.objects.filter(deal=second).delete()
    start = fourth.first_delivery_year
    Delivery.objects.bulk_create(
        [
            Delivery(deal=fourth, year=start + 1, year_is_estimate=True, quantity=None, quantity_is_estimate=True),
            Delivery(deal=fourth, year=start + 2, quantity=4, quantity_is_estimate=True),
            Delivery(deal=fourth, year=start + 3, year_is_estimate=True),
        ]
    )
    Delivery.objects.filter(deal=fifth).update(quantity=None)
    bare = Source.objects.create(kind="article", title="No publisher, no date, no link")
    full = Source.objects.create(
        kind="article",
        title="Title, with comma",
        publisher="Pub",
        url="https://e.org/x?a=1,2",
        published_on=datetime.date(2021, 3, 4),
    )
    dated = Source.objects.create(
        kind="article", title='A "dated" one', published_on=datetime.date(1999, 12, 31), url="https://e.org/dated"
    )
    Citation.objects.create(source=bare, deal=first, quote="q1")
    Citation.objects.create(source=full, deal=first, quote="q2", locator="para 3")
    Citation.objects.create(source=full, deal=second, quote="q3", stance="contradicts")
    Citation.objects.create(source=dated, deal=second, quote="q4", locator='p. "7"')
    Citation.objects.filter(deal=fifth).delete()
    return deals


def both(queryset):
    assert export_copy.available(queryset)
    by_rows = "".join(export.csv_lines(queryset)).encode()
    by_copy = b"".join(export_copy.csv_lines(queryset))
    return by_rows, by_copy


def test_the_data_gives_every_column_two_values(awkward_deals, curator):
    """Else the comparisons below could pass on a column whose two expressions disagree on what the data lacks."""
    by_rows, by_copy = both(deal_list(curator).filter(pk__in=[deal.pk for deal in awkward_deals]))
    assert by_copy == by_rows
    header, *rows = csv.reader(io.StringIO(by_rows.decode(), newline=""))
    for index, title in enumerate(header):
        values = {row[index] for row in rows}
        assert len(values) > 1 and values != {""}, title


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"recipient__iso2": "PL"},
        {"supplier__slug": "soviet-union"},
        {"recipient__slug": "serbia"},
        {"year__gte": 2100},
    ],
)
def test_copy_writes_what_the_rows_write(awkward_deals, filters):
    by_rows, by_copy = both(deal_list(AnonymousUser()).filter(**filters))
    assert by_copy == by_rows


def test_descending_order_and_drafts_too(awkward_deals, curator):
    make_deals(2, review_status="draft")
    by_rows, by_copy = both(deal_list(curator).order_by("-id"))
    assert by_copy == by_rows and by_rows.count(b"\r\n") > 10


def test_other_orderings_and_slices_take_the_row_path():
    assert not export_copy.available(deal_list(AnonymousUser()).order_by("year", "id"))
    assert not export_copy.available(deal_list(AnonymousUser())[:3])


def test_the_endpoint_streams_the_copy(client, awkward_deals):
    response = client.get("/api/v1/deals/export.csv", {"recipient": "PL"})
    body = b"".join(response.streaming_content)
    expected = "".join(export.csv_lines(deal_list(AnonymousUser()).filter(recipient__iso2="PL"))).encode()
    assert body == expected
    ordered = client.get("/api/v1/deals/export.csv", {"recipient": "PL", "ordering": "-year"})
    assert b"".join(ordered.streaming_content).count(b"\r\n") == body.count(b"\r\n")
