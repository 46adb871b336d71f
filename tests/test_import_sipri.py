"""The SIPRI importer: SIPRI's two layouts and their traps, Dealgraph's export and the round trip through it,
idempotence, updates, curated fields and bad rows."""

import csv
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actors.models import Actor, ActorAlias
from deals.export import HEADER as EXPORT_HEADER
from deals.importers.sipri import FormatError, import_release
from deals.importers.sipri.categories import category_for_description
from deals.importers.sipri.writer import kind_from_comment
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import System, SystemAlias

from .sipri_files import CLASSIC_ROWS, FLAG_HEADER, classic, per_year, write

# Each test carries its own `django_db` mark rather than the module: a module-wide mark would set up the rollback
# before `committed_db` and so empty the database after the seed was restored, leaving later tests without one.


SIPRI_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "sipri"
CLASSIC_FILE = SIPRI_DATA / "trade-register-2025-10-deliveries.csv"
PER_YEAR_FILE = SIPRI_DATA / "trade-register-2026-02-per-year.csv"


def deal(supplier, recipient, designation, year=None, **filters):
    return Deal.objects.get(
        supplier__slug=supplier, recipient__slug=recipient, system__designation=designation, year=year, **filters
    )


def deliveries(deal_):
    return [(d.year, d.quantity, d.quantity_is_estimate, d.year_is_estimate) for d in deal_.deliveries.all()]


def history_counts():
    models = (Deal, Delivery, Citation, Actor, ActorAlias, System, SystemAlias, Source)
    return {model.__name__: model.history.count() for model in models}


def row_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Deal, Delivery, Citation, Actor, ActorAlias, System, SystemAlias, Source)
    }


@pytest.fixture
def classic_file(tmp_path):
    return classic(tmp_path, CLASSIC_ROWS, encoding="latin-1", newline="\r\n")


@pytest.mark.django_db
def test_classic_layout_reads_every_trap(classic_file):
    report = import_release(classic_file)

    assert (report.layout, report.encoding, report.rows_read) == ("classic", "latin-1", 6)
    assert (report.created, report.updated, report.unchanged, report.skipped) == (6, 0, 0, [])
    source = Source.objects.get(title="SIPRI Arms Transfers Database: trade register (data generated 3 Mar 2030)")
    assert (source.kind, source.published_on.isoformat(), source.scope) == (
        "dataset",
        "2030-03-03",
        "Deals with deliveries made in 1950-2030",
    )
    assert source.publisher == "Stockholm International Peace Research Institute (SIPRI)"

    kirpi = deal("turkiye", "cote-divoire", "Kirpi", 2020)
    assert (kirpi.year_is_estimate, kirpi.quantity_ordered, kirpi.quantity_ordered_is_estimate) == (True, 12, True)
    assert (kirpi.quantity_delivered, kirpi.quantity_delivered_is_estimate) == (12, True)
    assert (kirpi.kind, kirpi.status, kirpi.condition, kirpi.review_status) == (
        "aid",
        "delivered",
        "second_hand",
        "reviewed",
    )
    # Several years in one cell: one delivery a year, with the yearly split unknown.
    assert deliveries(kirpi) == [(2020, None, False, False), (2021, None, False, False)]
    assert (kirpi.first_delivery_year, kirpi.last_delivery_year) == (2020, 2021)
    assert (kirpi.tiv_per_unit, kirpi.tiv_total, kirpi.tiv_delivered) == (Decimal("0.5"), Decimal("6"), Decimal("6"))
    # Kirpi is a reference system (fixtures/systems.json): the row resolves to it, and its description stands.
    assert (kirpi.system.slug, kirpi.system.category.slug, kirpi.system.description) == (
        "kirpi",
        "armoured-vehicles",
        "APV",
    )
    citation = kirpi.citations.get()
    assert citation.source == source and citation.locator == "line 13"
    assert (citation.hedge, citation.hedge_text) == ("estimated", "?")
    assert citation.quote == CLASSIC_ROWS[0]

    # An empty number ordered is unknown, not zero; the accent survives Latin-1.
    k8 = deal("china", "ghana", "K-8 Karakorum", 2021)
    assert (k8.quantity_ordered, k8.quantity_delivered, k8.tiv_total) == (None, 2, None)
    assert (k8.status, k8.kind, k8.notes) == ("delivery_in_progress", "purchase", "Ordered for Alizé-class training")
    assert deliveries(k8) == [(2022, 2, False, False)]
    assert k8.citations.get().hedge == "asserted"

    dana = deal("czechia", "kenya", "Dana 152mm", 2019)
    assert dana.notes == "Modernized before delivery;\nsecond line of the comment"
    assert dana.condition == "second_hand_modernised" and dana.system.category.slug == "artillery"
    assert dana.citations.get().quote == CLASSIC_ROWS[2]

    # A bare line break inside the comment: the row continues on the next line.
    hermes = deal("israel", "uganda", "Hermes-450", 2018)
    assert (hermes.kind, hermes.status) == ("lease", "delivery_in_progress")
    assert hermes.notes == "3-year lease; for use in Somalia"
    assert hermes.tiv_delivered == Decimal("1.5")
    assert hermes.citations.get().quote == CLASSIC_ROWS[3] + "\n" + CLASSIC_ROWS[4]
    assert hermes.citations.get().locator == "line 17"

    group = Actor.objects.get(aliases__name="Hezbollah (Lebanon)*")
    assert (group.name, group.kind, group.iso3) == ("Hezbollah (Lebanon)", "non_state_group", None)
    toophan = Deal.objects.get(recipient=group)
    assert [year for year, *_ in deliveries(toophan)] == [2016, 2017, 2018]
    union = Actor.objects.get(aliases__name="African Union**")
    assert union.kind == "organisation"
    assert Deal.objects.get(recipient=union).supplier.slug == "unknown"


@pytest.mark.django_db
def test_uncertainty_flag_columns_hold_question_marks_ones_and_zeros(tmp_path):
    path = classic(
        tmp_path,
        [
            "Angola,Russia,2015,1,6,0,Su-30K,FGA aircraft,6,?,2017,Second hand,,10,60,60",
            "Angola,Russia,2016,0,2,1,Mi-17,transport helicopter,2,0,2017,New,,7.25,14.5,14.5",
        ],
        header=FLAG_HEADER,
    )
    report = import_release(path)
    assert report.created == 2 and report.skipped == []
    su30 = deal("russia", "angola", "Su-30K", 2015)
    assert (su30.year_is_estimate, su30.quantity_ordered_is_estimate, su30.quantity_delivered_is_estimate) == (
        True,
        False,
        True,
    )
    assert su30.citations.get().hedge_text == "1"
    mi17 = Deal.objects.get(supplier__slug="russia", recipient__slug="angola", year=2016)
    assert mi17.system.slug == "mi-17", "an existing system is matched by its designation"
    assert (mi17.year_is_estimate, mi17.quantity_ordered_is_estimate, mi17.quantity_delivered_is_estimate) == (
        False,
        True,
        False,
    )


PER_YEAR_ROWS = [
    "70001,Germany,Egypt,MEKO-A200,frigate,Ships,2018,No,1,No,2021,No,New,300,300,300,No",
    "70002,France,India,Rafale,FGA aircraft,Aircraft,2016,Yes,10,No,2019,No,New,60,60,600,No",
    "70002,France,India,Rafale,FGA aircraft,Aircraft,2016,Yes,20,Yes,2020,Yes,New,60,60,1200,No",
    "70003,Sweden,Thailand,Gripen-C,FGA aircraft,Aircraft,2010,No,6,No,2011,,New,40,40,240,Yes",
    "70002,France,India,Rafale,FGA aircraft,Aircraft,2016,Yes,6,,2021,,New,60,60,360,No",
]


@pytest.mark.django_db
def test_per_year_layout_combines_the_rows_of_one_deal(tmp_path):
    report = import_release(per_year(tmp_path, PER_YEAR_ROWS))

    assert (report.layout, report.rows_read, report.created, report.skipped) == ("per_year", 5, 3, [])
    source = Source.objects.get(published_on="2031-02-12")
    assert source.scope == "Deals with deliveries made in 1995-2030"
    rafale = Deal.objects.get(sipri_id=70002)
    assert (rafale.supplier.slug, rafale.recipient.slug, rafale.year, rafale.year_is_estimate) == (
        "france",
        "india",
        2016,
        True,
    )
    assert deliveries(rafale) == [(2019, 10, False, False), (2020, 20, True, True), (2021, 6, False, False)]
    assert (rafale.quantity_delivered, rafale.quantity_delivered_is_estimate) == (36, True)
    assert (rafale.quantity_ordered, rafale.tiv_per_unit, rafale.tiv_delivered, rafale.tiv_total) == (
        None,
        Decimal("60"),
        Decimal("2160"),
        None,
    )
    # No comment column: the kind is not guessed; with no number ordered, delivered cannot be told.
    assert (rafale.kind, rafale.status, rafale.notes) == ("unspecified", "delivery_in_progress", "")
    citation = rafale.citations.get()
    assert citation.locator == "SIPRI deal id 70002" and citation.hedge == "estimated"
    assert citation.quote.splitlines() == [PER_YEAR_ROWS[i] + ";" for i in (1, 2, 4)]
    assert Deal.objects.get(sipri_id=70003).kind == "licensed_production"
    assert Deal.objects.get(sipri_id=70001).system.category.slug == "ships"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(classic_file, tmp_path):
    first = import_release(classic_file)
    import_release(per_year(tmp_path, PER_YEAR_ROWS))
    rows, history = row_counts(), history_counts()

    again = import_release(classic_file)
    again_per_year = import_release(per_year(tmp_path, PER_YEAR_ROWS))

    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert (again_per_year.created, again_per_year.updated, again_per_year.unchanged) == (0, 0, 3)
    assert not again.source_created and not again.actors_created and not again.systems_created
    assert row_counts() == rows
    assert history_counts() == history


@pytest.mark.django_db
def test_a_newer_release_updates_in_place_and_deletes_nothing(tmp_path):
    older = classic(
        tmp_path,
        [
            "Peru,Korea South,2019,,4,,KT-1,trainer aircraft,2,,2021,New,,4,16,8",
            "Peru,United States,2018,,3,,C-130J,transport aircraft,3,,2020,New,,30,90,90",
        ],
        name="older.csv",
    )
    newer = classic(
        tmp_path,
        [
            "Peru,Korea South,2019,,4,,KT-1,trainer aircraft,4,?,2021; 2022,New,Deliveries completed,4,16,16",
            "Peru,Brazil,2022,,2,,EMB-314 Super Tucano,trainer/combat aircraft,1,,2023,New,,6,12,6",
        ],
        generated="9 Jan 2031",
        name="newer.csv",
    )
    Actor.objects.filter(slug="south-korea").get().aliases.create(name="Korea South", kind="sipri")

    import_release(older)
    kt1 = deal("south-korea", "peru", "KT-1", 2019)
    c130 = deal("united-states", "peru", "C-130J", 2018)
    report = import_release(newer)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    kt1.refresh_from_db()
    assert (kt1.quantity_delivered, kt1.quantity_delivered_is_estimate, kt1.status) == (4, True, "delivered")
    assert deliveries(kt1) == [(2021, None, False, False), (2022, None, False, False)]
    assert (kt1.first_delivery_year, kt1.last_delivery_year, kt1.notes) == (2021, 2022, "Deliveries completed")
    assert list(kt1.history.values_list("history_type", flat=True)) == ["~", "+"]
    assert sorted(kt1.citations.values_list("source__published_on__year", flat=True)) == [2030, 2031]
    assert Deal.objects.filter(pk=c130.pk).exists(), "a deal missing from the newer release stays"
    assert c130.citations.count() == 1


@pytest.mark.django_db
def test_curators_edits_survive_reimports_unless_overwritten(tmp_path):
    path = classic(tmp_path, ["Chile,Spain,2017,,2,,C-295,transport aircraft,2,,2019,New,,20,40,40"])
    import_release(path)
    c295 = deal("spain", "chile", "C-295", 2017)
    c295.notes = "Checked against the Chilean air force's own announcement."
    c295.quantity_ordered = 3
    c295.save()

    again = import_release(path)
    c295.refresh_from_db()
    assert (again.unchanged, again.curated_kept) == (1, 2)
    assert (c295.notes, c295.quantity_ordered, c295.status) == (
        "Checked against the Chilean air force's own announcement.",
        3,
        "delivered",
    )

    newer = classic(
        tmp_path,
        ["Chile,Spain,2017,,2,,C-295,transport aircraft,2,,2019,New,Aid,20,40,40"],
        generated="1 Jun 2031",
        name="newer.csv",
    )
    import_release(newer)
    c295.refresh_from_db()
    assert c295.kind == "aid", "an untouched field follows the newer release"
    assert c295.notes.startswith("Checked") and c295.quantity_ordered == 3

    import_release(newer, overwrite_curated=True)
    c295.refresh_from_db()
    assert (c295.notes, c295.quantity_ordered, c295.status) == ("Aid", 2, "delivered")


@pytest.mark.django_db
def test_locked_fields_are_never_overwritten(tmp_path):
    import_release(classic(tmp_path, ["Chile,Spain,2017,,2,,C-295,transport aircraft,2,,2019,New,,20,40,40"]))
    c295 = deal("spain", "chile", "C-295", 2017)
    c295.locked_fields = ["tiv_total", "deliveries"]
    c295.save()
    newer = classic(
        tmp_path,
        ["Chile,Spain,2017,,2,,C-295,transport aircraft,2,,2019; 2020,New,,25,50,50"],
        generated="1 Jun 2031",
        name="newer.csv",
    )
    report = import_release(newer)
    c295.refresh_from_db()
    assert report.curated_kept == 2
    assert (c295.tiv_per_unit, c295.tiv_total, c295.tiv_delivered) == (Decimal("25"), Decimal("40"), Decimal("50"))
    assert [year for year, *_ in deliveries(c295)] == [2019]


@pytest.mark.django_db
def test_a_renamed_designation_still_finds_its_deal(tmp_path):
    import_release(
        classic(
            tmp_path,
            ["Uruguay,Argentina,2000,,1,,IA-58A Pucara,ground-attack aircraft,1,,2000,Second hand,Second-hand,5,2,2"],
        )
    )
    pucara = deal("argentina", "uruguay", "IA-58A Pucara", 2000)
    report = import_release(
        per_year(
            tmp_path,
            [
                "32179,Argentina,Uruguay,Pucara,ground-attack aircraft,Aircraft,2000,No,1,No,2000,No,Second hand,5,2,2,No"
            ],
        )
    )
    assert (report.created, report.updated, report.renamed) == (0, 1, 1)
    pucara.refresh_from_db()
    assert pucara.sipri_id == 32179 and pucara.system.designation == "IA-58A Pucara"
    assert SystemAlias.objects.get(name="Pucara", kind="sipri").system == pucara.system


@pytest.mark.django_db
def test_a_release_speaks_only_for_deliveries_within_its_years(tmp_path):
    import_release(classic(tmp_path, ["Egypt,United States,1988,,10,,M-60A3,tank,10,,1990; 1996,Second hand,,1,10,10"]))
    m60 = deal("united-states", "egypt", "M-60A3", 1988)
    report = import_release(
        per_year(
            tmp_path,
            ["72001,United States,Egypt,M-60A3,tank,Armoured vehicles,1988,No,6,Yes,1996,No,Second hand,2.5,1,6,No"],
        )
    )
    assert (report.created, report.updated) == (0, 1)
    m60.refresh_from_db()
    # The per-year release covers 1995-2030: the 1990 delivery stays, and so do the totals it cannot speak for.
    assert deliveries(m60) == [(1990, None, False, False), (1996, 6, True, False)]
    assert (m60.sipri_id, m60.quantity_delivered, m60.tiv_delivered, m60.status) == (
        72001,
        10,
        Decimal("10"),
        "delivered",
    )


@pytest.mark.django_db
def test_bad_rows_are_reported_with_their_line_and_the_rest_imports(tmp_path):
    path = classic(
        tmp_path,
        [
            "Mali,Russia,2019,,4,,Mi-171Sh,transport helicopter,4,,2020,New,,7,28,28",
            "Mali,Russia,2019,,four,,Mi-35M,combat helicopter,4,,2020,New,,11.5,46,46",
            "Mali,Russia,2021,,2,,L-39,trainer aircraft,2,,2020,Second hand,,1,2,2",
            "Mali,Russia,2021,,2,,Su-25,ground-attack aircraft,2,,2022,New,,5,10,10,extra",
            "Mali,Atlantis,2021,,2,,Su-25,ground-attack aircraft,2,,2022,New,,5,10,10",
            "Mali,Russia,2021,,2,,Su-24,bomber aircraft,2,,2022,Brand new,,5,10,10",
            "Mali,Russia,2021,?,2,,Ka-52,combat helicopter,2,,2022,New,,12,24,24",
        ],
    )
    report = import_release(path)
    assert report.rows_read == 7 and report.created == 2
    assert report.skipped == [
        (14, "number ordered 'four' is not a whole number"),
        (15, "a delivery in 2020 comes before the order year 2021"),
        (16, "17 columns where the header has 16"),
        (17, "unknown actor Atlantis"),
        (18, "status 'Brand new' is not New, Second hand or Second hand but modernized"),
    ]
    assert set(Deal.objects.filter(recipient__slug="mali").values_list("system__designation", flat=True)) == {
        "Mi-171Sh",
        "Ka-52",
    }


@pytest.mark.django_db
def test_per_year_rows_of_a_bad_deal_are_skipped_together(tmp_path):
    report = import_release(
        per_year(
            tmp_path,
            [
                "71001,Italy,Qatar,NH-90,transport helicopter,Aircraft,2018,No,4,No,2022,No,New,13,13,52,No",
                "71001,Italy,Qatar,NH-90,transport helicopter,Aircraft,2018,No,x,No,2023,No,New,13,13,52,No",
                "71002,Italy,Qatar,M-346,trainer aircraft,Aircraft,2020,No,6,No,2022,No,New,15,15,90,No",
            ],
        )
    )
    assert report.created == 1 and Deal.objects.filter(sipri_id=71002).exists()
    assert report.skipped == [
        (13, "skipped with the rest of SIPRI deal 71001: line 14 is malformed"),
        (14, "number delivered 'x' is not a whole number"),
    ]


@pytest.mark.django_db
def test_dry_run_writes_nothing(classic_file):
    rows, history = row_counts(), history_counts()
    report = import_release(classic_file, dry_run=True)
    assert report.created == 6 and report.dry_run
    assert row_counts() == rows and history_counts() == history


@pytest.mark.django_db
def test_a_crash_leaves_nothing_half_written(classic_file, monkeypatch):
    from deals.importers.sipri import writer

    real = writer.create_rows

    def fail_on_citations(model, rows, **kwargs):
        if model is Citation:
            raise RuntimeError("disk full")
        return real(model, rows, **kwargs)

    monkeypatch.setattr(writer, "create_rows", fail_on_citations)
    rows, history = row_counts(), history_counts()
    with pytest.raises(RuntimeError):
        import_release(classic_file)
    assert row_counts() == rows and history_counts() == history


@pytest.mark.django_db
def test_release_date_when_the_export_has_no_generation_line(tmp_path):
    rows = ["Chile,Spain,2017,,2,,C-295,transport aircraft,2,,2019,New,,20,40,40"]
    by_name = import_release(classic(tmp_path, rows, generated=None, name="sipri-2031-05.csv"))
    assert by_name.source_title == "SIPRI Arms Transfers Database: trade register (data generated May 2031)"
    assert Source.objects.get(title=by_name.source_title).published_on.isoformat() == "2031-05-01"

    from datetime import date

    given = import_release(classic(tmp_path, rows, generated=None, name="export.csv"), release_date=date(2031, 7, 2))
    assert given.source_title.endswith("(data generated 2 Jul 2031)")
    with pytest.raises(FormatError, match="--release-date"):
        import_release(tmp_path / "export.csv")


@pytest.mark.django_db
def test_a_file_that_is_not_a_register_is_refused(tmp_path):
    path = write(tmp_path / "notes.csv", ["name,age", "Ann,3"])
    with pytest.raises(FormatError, match="no SIPRI trade-register header"):
        import_release(path)


@pytest.mark.django_db
def test_command_prints_a_summary_and_no_progress_bar_off_a_terminal(classic_file, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_sipri", str(classic_file), "--dry-run", stdout=out, stderr=err)
    text = out.getvalue()
    assert "DRY RUN" in text and "rows read 6; deals created 6, updated 0, unchanged 0; rows skipped 0" in text
    assert "\r" not in text + err.getvalue()
    assert not Deal.objects.filter(recipient__slug="ghana").exists()

    with pytest.raises(CommandError, match="1 of 2 file"):
        call_command("import_sipri", str(classic_file), str(tmp_path / "missing.csv"), stdout=out, stderr=err)
    assert Deal.objects.filter(recipient__slug="ghana").exists(), "one bad file does not stop the others"


def test_progress_bar_only_when_enabled():
    from deals.management.commands.import_sipri import Progress

    shown, hidden = io.StringIO(), io.StringIO()
    Progress(shown, enabled=True)("matching", 50, 100)
    Progress(hidden, enabled=False)("matching", 50, 100)
    assert shown.getvalue().startswith("\r  matching  [###############") and "50%" in shown.getvalue()
    assert hidden.getvalue() == ""


@pytest.mark.parametrize(
    "comment, kind",
    [
        ("Second-hand; aid", "aid"),
        ("Gift from the Emirati government", "aid"),
        ("3-year lease; for use with UN forces", "lease"),
        ("Produced under licence in India", "licensed_production"),
        ("$120 m deal; paid in instalments", "purchase"),
        ("", "purchase"),
    ],
)
def test_kind_read_from_the_comment(comment, kind):
    assert kind_from_comment(comment) == kind


@pytest.mark.parametrize(
    "description, category",
    [
        ("transport helicopter", "aircraft"),
        ("anti-radar missile", "missiles"),
        ("combat aircraft radar", "sensors"),
        ("self-propelled anti-aircraft gun", "air-defence-systems"),
        ("tank destroyer", "armoured-vehicles"),
        ("replenishment tanker", "ships"),
        ("naval gun", "naval-weapons"),
        ("torpedo boat", "ships"),
        ("tank turret", "other"),
        ("something new", "other"),
    ],
)
def test_category_from_the_description(description, category):
    assert category_for_description(description) == category


def _rows_of(path: Path, encoding: str):
    """The data rows of a real export, read independently of the importer."""
    lines = path.read_bytes().decode(encoding).replace("\r\n", "\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(("Recipient,", "SIPRI AT Database ID,")))
    return list(csv.reader(line.rstrip(";") for line in lines[start + 1 :] if line.strip()))


@pytest.mark.django_db
def test_real_classic_register():
    if not CLASSIC_FILE.exists():
        pytest.skip(f"The real SIPRI export is not at {CLASSIC_FILE}: ../shared/data/sipri is missing.")
    seeded_ch95 = deal("china", "serbia", "CH-95", 2022)

    report = import_release(CLASSIC_FILE)

    assert (report.layout, report.encoding, report.rows_read) == ("classic", "latin-1", 28348)
    assert report.created + report.updated + report.unchanged + len(report.skipped) == report.rows_read
    assert report.skipped == []  # Biafra, Katanga and Northern Cyprus are in the reference data
    source = Source.objects.get(title=report.source_title)
    assert source.published_on.isoformat() == "2025-10-23" and not report.source_created
    # The seed's SIPRI deals are found again, not duplicated.
    assert deal("china", "serbia", "CH-95", 2022) == seeded_ch95
    # Exactly the Serbian deals ordered in 2021-2022, each citing its own row.
    lines = CLASSIC_FILE.read_bytes().decode("latin-1").replace("\r\n", "\n").split("\n")
    expected = [line for line in lines if line.startswith("Serbia,") and line.split(",")[2] in ("2021", "2022")]
    cited = Citation.objects.filter(
        source=source, stance="supports", deal__recipient__slug="serbia", deal__year__in=[2021, 2022]
    )
    assert len(expected) > 10
    assert sorted(cited.values_list("quote", flat=True)) == sorted(expected)
    assert cited.values("deal").distinct().count() == len(expected)


@pytest.mark.django_db
def test_real_per_year_export():
    if not PER_YEAR_FILE.exists():
        pytest.skip(f"The real SIPRI export is not at {PER_YEAR_FILE}: ../shared/data/sipri is missing.")
    report = import_release(PER_YEAR_FILE)
    ids = {row[0] for row in _rows_of(PER_YEAR_FILE, "utf-8")}
    assert (report.layout, report.encoding, report.rows_read) == ("per_year", "utf-8", 25024)
    assert report.source_created and report.source_title.endswith("(data generated 12 Feb 2026)")
    assert report.created + report.updated == len(ids)
    assert report.skipped == []
    multi = Deal.objects.get(sipri_id=35939)
    assert [(year, quantity) for year, quantity, *_ in deliveries(multi)] == [(2013, 1), (2014, 1), (2015, 2)]
    assert (multi.quantity_delivered, multi.tiv_delivered) == (4, Decimal("73.92"))


# Dealgraph's own export (deals/export.py) is the third layout, so that an export reads back as the same deals.
def dealgraph(tmp_path, rows: list[dict], *, name="dealgraph-deals.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_HEADER, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def exported_row(**values) -> dict:
    row = {
        "Supplier": "France",
        "Recipient": "India",
        "Weapon designation": "Rafale",
        "Weapon description": "FGA aircraft",
        "Armament category": "Aircraft",
        "Year of order": "2016",
        "Year of order is estimate": "No",
        "Number ordered": "36",
        "Number ordered is estimate": "No",
        "Number delivered": "",
        "Number delivered is estimate": "No",
        "Year(s) of delivery": "",
        "Status": "New",
        "Dealgraph deal id": "7",
        "Review status": "reviewed",
        "Supplier ISO code": "FRA",
        "Recipient ISO code": "IND",
        "Supplier kind": "state",
        "Recipient kind": "state",
    }
    return {**row, **values}


@pytest.mark.django_db
def test_dealgraph_export_is_read_as_its_own_layout(tmp_path):
    path = dealgraph(
        tmp_path,
        [
            exported_row(
                **{
                    "Supplier": "Republic of France",
                    "Number delivered": "5",
                    "Number delivered is estimate": "Yes",
                    "Year(s) of delivery": "2019; 2020; 2021",
                    "Deliveries by year": "2019:2; 2020?:3?; 2021:?",
                    "Deal stage code": "delivery_in_progress",
                    "Deal kind code": "lease",
                    "Review status": "draft",
                    "SIPRI TIV per unit": "13.63",
                    "SIPRI TIV for total order": "490.68",
                    "SIPRI TIV of delivered weapons": "68.15",
                    "SIPRI deal id": "4242",
                    "Comments": "Aid in all but name;\nsecond line",
                }
            ),
            exported_row(
                **{
                    "Supplier": "Unknown",
                    "Supplier kind": "unknown",
                    "Supplier ISO code": "",
                    "Recipient": "Hezbollah (Lebanon)",
                    "Recipient kind": "non_state_group",
                    "Recipient ISO code": "",
                    "Weapon designation": "Toophan",
                    "Weapon description": "anti-tank missile",
                    "Armament category": "Missiles",
                    "Deal stage code": "offer",
                    "Deal kind code": "aid",
                    "Number ordered": "",
                }
            ),
            exported_row(
                **{
                    "Recipient": "African Union",
                    "Recipient kind": "organisation",
                    "Recipient ISO code": "",
                    "Weapon designation": "vehicle engine 301-400",
                    "Weapon description": "vehicle engine",
                    "Armament category": "Engines",
                    "Comments": "Gift",
                }
            ),
        ],
    )
    report = import_release(path)

    assert (report.layout, report.encoding, report.created, report.skipped) == ("dealgraph", "utf-8", 3, [])
    source = Source.objects.get(title=report.source_title)
    assert report.source_title.startswith("Dealgraph deals export dealgraph-deals.csv (")
    assert (source.kind, source.publisher, source.url) == ("dataset", "Dealgraph", "")
    rafale = Deal.objects.get(sipri_id=4242)
    # The ISO code finds the state whatever its name says.
    assert (rafale.supplier.slug, rafale.recipient.slug, rafale.system.designation) == ("france", "india", "Rafale")
    assert deliveries(rafale) == [(2019, 2, False, False), (2020, 3, True, True), (2021, None, True, False)]
    assert (rafale.quantity_ordered, rafale.quantity_delivered, rafale.quantity_delivered_is_estimate) == (36, 5, True)
    # The codes win over what the comment or the numbers would suggest.
    assert (rafale.kind, rafale.status, rafale.review_status) == ("lease", "delivery_in_progress", "draft")
    assert (rafale.tiv_per_unit, rafale.tiv_total, rafale.tiv_delivered) == (
        Decimal("13.63"),
        Decimal("490.68"),
        Decimal("68.15"),
    )
    assert rafale.notes == "Aid in all but name;\nsecond line"
    citation = rafale.citations.get()
    assert (citation.source, citation.locator, citation.hedge) == (source, "line 2 (Dealgraph deal id 7)", "estimated")

    toophan = Deal.objects.get(system__designation="Toophan")
    assert (toophan.supplier.slug, toophan.kind, toophan.status, toophan.review_status) == (
        "unknown",
        "aid",
        "offer",
        "reviewed",
    )
    assert (toophan.recipient.kind, toophan.recipient.aliases.get().name) == ("non_state_group", "Hezbollah (Lebanon)*")
    engine = Deal.objects.get(recipient__name="African Union")
    assert (engine.recipient.kind, engine.kind, engine.status) == ("organisation", "aid", "order")
    assert (engine.system.is_generic, engine.system.name, engine.system.category.slug) == (
        True,
        "vehicle engine 301-400",
        "engines",
    )

    again = import_release(path)
    assert (again.created, again.updated, again.unchanged, again.source_created) == (0, 0, 3, False)


@pytest.mark.django_db
def test_dealgraph_export_bad_cells_are_bad_rows(tmp_path):
    report = import_release(
        dealgraph(
            tmp_path,
            [
                exported_row(**{"Year(s) of delivery": "2019; 2020", "Deliveries by year": "2019:2; 2021:3"}),
                exported_row(**{"Year(s) of delivery": "2019", "Deliveries by year": "2019: two"}),
                exported_row(**{"Deal kind code": "Lease or loan"}),
                exported_row(**{"Deal stage code": "shipped"}),
                exported_row(**{"Recipient kind": "city"}),
                exported_row(**{"SIPRI deal id": "12a"}),
                exported_row(**{"Recipient": "Atlantis", "Recipient ISO code": "ATL"}),
                exported_row(**{"Deal kind code": "purchase", "Weapon designation": "Rafale M"}),
            ],
        )
    )
    assert report.created == 1
    assert [(line, reason.split(" ")[0:3]) for line, reason in report.skipped] == [
        (2, ["deliveries", "by", "year"]),
        (3, ["deliveries", "by", "year:"]),
        (4, ["deal", "kind", "code"]),
        (5, ["deal", "stage", "code"]),
        (6, ["recipient", "kind", "'city'"]),
        (7, ["SIPRI", "deal", "id"]),
        (8, ["unknown", "actor", "Atlantis"]),
    ]
    assert "do not have the years of delivery [2019, 2020]" in report.skipped[0][1]


# "The same deals" after a round trip: every column of the export except the two that name records of one database
# (the deal's id, and the sources, since the re-import cites the export file instead of SIPRI's release).
# So: parties (name, kind, ISO code), system designation, description and category, order year, numbers ordered and
# delivered, delivery years and the number of each year, every estimate flag, condition, kind, stage, comments, the
# three TIVs, SIPRI's deal id, the review status and the quantity as written.
NOT_DEAL_FACTS = {"Sources", "Dealgraph deal id"}


def export(client, path: Path | None = None, **params) -> list[dict]:
    """The export's rows; with a path, the CSV is also saved there byte for byte, to be imported."""
    response = client.get("/api/v1/deals/export.csv", params)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if path is not None:
        path.write_bytes(content)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def assert_same_deals(before: list[dict], after: list[dict]) -> None:
    def facts(rows):
        return Counter(
            tuple((name, value) for name, value in row.items() if name not in NOT_DEAL_FACTS) for row in rows
        )

    lost, gained = facts(before) - facts(after), facts(after) - facts(before)
    assert not lost and not gained, f"lost {list(lost)[:2]}, gained {list(gained)[:2]}"
    assert len(after) == len(before)


def empty_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    call_command("seed", verbosity=0)


def reimport(path: Path) -> str:
    out = io.StringIO()
    call_command("import_sipri", str(path), stdout=out)
    return out.getvalue()


def test_round_trip_through_export_csv(committed_db, client, django_user_model, classic_file, tmp_path):
    classic_report = import_release(classic_file)
    per_year_report = import_release(per_year(tmp_path, PER_YEAR_ROWS))
    # Curators' readings travel too: a stage and a kind SIPRI does not use, and a draft.
    Deal.objects.filter(system__designation="Dana 152mm").update(kind="upgrade", status="cancelled")
    Deal.objects.filter(system__designation="K-8 Karakorum").update(review_status="draft")
    client.force_login(django_user_model.objects.create_superuser("exporter"))
    releases = Source.objects.filter(title__in=[classic_report.source_title, per_year_report.source_title])
    path = tmp_path / "dealgraph-deals.csv"
    before = export(client, path, source=",".join(str(pk) for pk in releases.values_list("pk", flat=True)))
    assert len(before) == 9

    empty_database()
    summary = reimport(path)
    assert "(dealgraph layout, utf-8)" in summary and "deals created 9, updated 0" in summary, summary
    client.force_login(django_user_model.objects.create_superuser("exporter"))
    export_source = Source.objects.get(publisher="Dealgraph")
    after = export(client, source=str(export_source.pk))
    assert_same_deals(before, after)
    assert Deal.objects.get(system__designation="K-8 Karakorum").review_status == "draft"
    assert all(row["Sources"].startswith(export_source.title) for row in after)

    rows, history = row_counts(), history_counts()
    assert "deals created 0, updated 0, unchanged 9" in reimport(path)
    assert row_counts() == rows and history_counts() == history


def test_round_trip_of_the_real_register_through_export_csv(committed_db, client, tmp_path):
    if not CLASSIC_FILE.exists():
        pytest.skip(f"The real SIPRI export is not at {CLASSIC_FILE}: ../shared/data/sipri is missing.")
    report = import_release(CLASSIC_FILE)
    path = tmp_path / "dealgraph-deals.csv"
    before = export(client, path, source=str(Source.objects.get(title=report.source_title).pk))
    assert len(before) == report.created + report.updated > 28000

    empty_database()
    summary = reimport(path)
    # The seed's two SIPRI deals are found again, as the first import found them.
    expected = f"deals created {report.created}, updated {report.updated}, unchanged 0; rows skipped 0"
    assert expected in summary and report.updated == 2, summary
    assert_same_deals(before, export(client, source=str(Source.objects.get(publisher="Dealgraph").pk)))
