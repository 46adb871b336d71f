"""Deterministic synthetic data at scale (companies, systems, sources, deals, deliveries, citations) for benchmarks.

The proportions follow the SIPRI register's shape: a handful of suppliers account for most deals, years spread
from 1950 with more in recent decades, most deals are purchases that were delivered, and every deal cites at least
one supporting source. The same count and seed give the same records on a fresh database, ids included.

Rows go in through the importer's COPY / multi-row INSERT helpers with ids reserved up front, so deals, their
deliveries and their citations are written batch by batch without reading anything back. Generated records carry
no history entries: they are demo data, and their history would double the database for nothing a benchmark reads.
"""

import datetime
import json
import random
import time
import uuid
from bisect import bisect
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from itertools import accumulate

from django.db import connection, transaction
from django.utils.text import slugify

from actors.choices import ActorKind
from actors.models import Actor
from core.db import insert_rows
from deals.choices import Condition, DealKind, DealStatus, ReviewStatus
from deals.models import Deal, Delivery
from deals.services import deals_require_support
from sources.choices import Hedge, SourceKind, Stance
from sources.models import Citation, Source
from stats import triggers
from systems.models import Category, System

MARKER = "Synthetic record made by `manage.py generate_deals`; not a real transfer."
# Bump when the same count and seed would produce different records, so a reused benchmark database is redone.
GENERATOR_VERSION = 2
REGISTER_PREFIX = "Dealgraph synthetic register"
BATCH = 20_000
# Below this many deals, keeping the indexes up to date as rows arrive costs less than building them anew.
REBUILD_FROM = 50_000
FIRST_YEAR, LAST_YEAR = 1950, 2025
# A fixed clock, so two runs write byte-identical rows.
STAMP = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

# Suppliers and their share of deals, roughly SIPRI's ranking since 1950; companies share what is left.
SUPPLIERS = {
    "united-states": 25.0,
    "russia": 13.0,
    "soviet-union": 7.0,
    "france": 9.9,
    "china": 5.5,
    "germany": 5.0,
    "united-kingdom": 4.0,
    "italy": 3.0,
    "israel": 2.4,
    "spain": 1.8,
    "south-korea": 1.6,
    "netherlands": 1.4,
    "sweden": 1.2,
    "ukraine": 1.1,
    "turkiye": 1.0,
    "switzerland": 0.8,
    "canada": 0.8,
    "czechoslovakia": 0.6,
    "belarus": 0.5,
    "poland": 0.4,
    "australia": 0.4,
    "norway": 0.4,
    "brazil": 0.4,
    "south-africa": 0.4,
    "east-germany": 0.3,
    "yugoslavia": 0.3,
    "czechia": 0.3,
    "belgium": 0.3,
    "india": 0.3,
    "japan": 0.3,
    "iran": 0.3,
    "serbia": 0.3,
    "austria": 0.2,
    "finland": 0.2,
    "denmark": 0.2,
    "north-korea": 0.15,
    "pakistan": 0.15,
    "united-arab-emirates": 0.1,
    "singapore": 0.1,
    "romania": 0.1,
}
COMPANY_SHARE = 2.0
# States that came into being as successors: no deals before their first year.
FIRST_YEARS = {"russia": 1992, "ukraine": 1992, "belarus": 1992, "serbia": 1992, "czechia": 1993, "kosovo": 2008}
# Serbia gets a few hundred deals per million, like a mid-sized recipient in the register.
SERBIA_SHARE = 0.0003

KINDS = {
    DealKind.PURCHASE: 70,
    DealKind.AID: 9,
    DealKind.LICENSED_PRODUCTION: 7,
    DealKind.LEASE: 3,
    DealKind.UPGRADE: 3,
    DealKind.TECHNOLOGY_TRANSFER: 2,
    DealKind.MANUFACTURING_SUPPORT: 1,
    DealKind.UNSPECIFIED: 5,
}
STATUSES_OLD = {
    DealStatus.DELIVERED: 88,
    DealStatus.DELIVERY_IN_PROGRESS: 3,
    DealStatus.ORDER: 2,
    DealStatus.CANCELLED: 4,
    DealStatus.AGREEMENT: 1,
    DealStatus.OFFER: 1,
    DealStatus.INTEREST: 1,
}
STATUSES_RECENT = {
    DealStatus.DELIVERED: 35,
    DealStatus.DELIVERY_IN_PROGRESS: 20,
    DealStatus.ORDER: 18,
    DealStatus.AGREEMENT: 10,
    DealStatus.NEGOTIATION: 5,
    DealStatus.OFFER: 4,
    DealStatus.INTEREST: 5,
    DealStatus.CANCELLED: 3,
}
CONDITIONS = {Condition.NEW: 80, Condition.SECOND_HAND: 12, Condition.SECOND_HAND_MODERNISED: 3, Condition.UNKNOWN: 5}
CATEGORIES = {
    "aircraft": (
        35,
        [
            "fighter aircraft",
            "transport aircraft",
            "combat helicopter",
            "transport helicopter",
            "trainer aircraft",
            "armed UAV",
            "maritime patrol aircraft",
        ],
    ),
    "armoured-vehicles": (18, ["tank", "IFV", "APC", "armoured car"]),
    "missiles": (15, ["anti-tank missile", "SAM", "anti-ship missile", "air-to-air missile", "guided bomb"]),
    "ships": (7, ["frigate", "patrol craft", "corvette", "submarine", "landing ship"]),
    "artillery": (6, ["self-propelled gun", "towed gun", "multiple rocket launcher", "mortar"]),
    "sensors": (6, ["air search radar", "fire control radar", "sonar"]),
    "air-defence-systems": (5, ["SAM system", "mobile SAM system", "anti-aircraft gun system"]),
    "engines": (4, ["turbofan", "diesel engine", "gas turbine"]),
    "naval-weapons": (2, ["naval gun", "torpedo", "CIWS"]),
    "satellites": (0.5, ["reconnaissance satellite", "communications satellite"]),
    "other": (1.5, ["aircraft refuelling system", "electronic warfare system"]),
}
COMPANY_WORDS = (
    [
        "Aster",
        "Borel",
        "Corvin",
        "Dalmar",
        "Edris",
        "Falken",
        "Garan",
        "Helix",
        "Istra",
        "Jarov",
        "Kestrel",
        "Lumen",
        "Meridian",
        "Norrland",
        "Orion",
        "Pallas",
        "Quarry",
        "Rurik",
        "Saber",
        "Tarn",
        "Ulm",
        "Vantor",
        "Wexford",
        "Yarrow",
        "Zenit",
        "Arctur",
        "Boreas",
        "Caspian",
        "Delta",
        "Ember",
    ],
    [
        "Aerospace",
        "Dynamics",
        "Systems",
        "Motors",
        "Shipyards",
        "Electronics",
        "Ordnance",
        "Defence",
        "Aviation",
        "Industries",
        "Arsenal",
        "Works",
    ],
)
PUBLISHERS = [
    "Defence Wire",
    "The Arms Monitor",
    "Balkan Security Review",
    "Global Military Digest",
    "Jane's-style Weekly",
    "Regional Defence Observer",
    "Procurement Today",
    "The Strategic Post",
    "Air Forces Bulletin",
    "Naval Affairs Daily",
    "Land Systems Report",
    "Eastern Europe Briefing",
    "Gulf Defence News",
    "Asia-Pacific Security",
    "Africa Defence Journal",
    "Latin American Forces",
    "Military Balance Notes",
    "The Export Ledger",
    "Armaments Gazette",
    "Security Policy Review",
]
VERBS = {
    DealKind.PURCHASE: "ordered",
    DealKind.AID: "received as aid",
    DealKind.LICENSED_PRODUCTION: "licensed",
    DealKind.LEASE: "leased",
    DealKind.UPGRADE: "had upgraded",
    DealKind.TECHNOLOGY_TRANSFER: "acquired the technology for",
    DealKind.MANUFACTURING_SUPPORT: "got manufacturing support for",
    DealKind.UNSPECIFIED: "obtained",
}
NOTES = [
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "Numbers from the supplier's annual report.",
    "Delivery dates partly estimated.",
    "Part of a larger package.",
    "Second-hand, from surplus stocks.",
    "Financed by a state loan.",
]


def weighted(rng: random.Random, table: dict) -> Callable[[], object]:
    """A picker over a {value: weight} table, drawing from `rng` (a fifth of the cost of random.choices)."""
    values, cumulative = list(table), list(accumulate(table.values()))
    total, draw = cumulative[-1], rng.random
    return lambda: values[bisect(cumulative, draw() * total)]


def new_uid(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from `rng`, as text: uuid.UUID() itself costs more than the rest of a row."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def reserve_ids(model, n: int) -> int:
    """The first of `n` consecutive primary keys nobody else will take; the table is locked on PostgreSQL."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            if n > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
            return first
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        return cursor.fetchone()[0] + 1


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_formatter(field) -> Callable[[object], str]:
    """How one column's Python value reads in COPY's text format (psycopg's per-value dumpers cost more than the
    whole rest of a deal's generation)."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind == "JSONField":
        return lambda value: "\\N" if value is None else json.dumps(value).translate(_ESCAPES)
    if kind in ("CharField", "TextField", "SlugField", "URLField"):
        return lambda value: (
            "\\N"
            if value is None
            else (value if value.isprintable() and "\\" not in value else value.translate(_ESCAPES))
        )
    if kind == "DateTimeField":
        return lambda value: "\\N" if value is None else value.isoformat()
    return lambda value: "\\N" if value is None else str(value)


class Table:
    """Rows for one model's table, every column the row leaves out filled with its default; written by COPY on
    PostgreSQL (each row formatted as it is added, columns left at their default formatted once) and by the
    importer's multi-row INSERTs elsewhere."""

    def __init__(self, model, *, with_ids: bool = True):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.formatters = {f.attname: _copy_formatter(f) for f in self.fields}
        self.columns = {f.attname: (i, self.formatters[f.attname]) for i, f in enumerate(self.fields)}
        # A uid left out stays NULL, so the NOT NULL constraint catches the omission instead of a shared default.
        defaults = {f.attname: None if f.primary_key or f.attname == "uid" else f.get_default() for f in self.fields}
        defaults.update(created=STAMP, updated=STAMP)
        self.default_values = [defaults[f.attname] for f in self.fields]
        self.default_text = [
            self.formatters[f.attname](v) for f, v in zip(self.fields, self.default_values, strict=True)
        ]
        self.postgres = connection.vendor == "postgresql"
        self.rows: list = []

    def add(self, **values):
        if self.postgres:
            parts, columns = self.default_text.copy(), self.columns
            for name, value in values.items():
                i, format_ = columns[name]
                parts[i] = format_(value)
            self.rows.append("\t".join(parts))
        else:
            row, index = self.default_values.copy(), self.index
            for name, value in values.items():
                row[index[name]] = uuid.UUID(value) if name == "uid" else value
            self.rows.append(tuple(row))

    def flush(self) -> int:
        written, rows, self.rows = len(self.rows), self.rows, []
        if not rows:
            return 0
        if not self.postgres:
            insert_rows(self.model, self.fields, rows, returning=False)
            return written
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN') as copy,
        ):
            copy.write("\n".join(rows) + "\n")
        return written


@contextmanager
def indexes_rebuilt_after(models, *, enabled: bool):
    """Drop the tables' secondary indexes, unique and foreign-key constraints, and build them again at the end:
    one sorted build beats a million random index insertions, and one validating join beats a million deferred
    foreign-key checks at commit. Runs inside the caller's transaction, so a failure restores everything."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    restore = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The companies, systems and sources just written still have deferred checks queued against these tables.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
                [table],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _, _kind in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            restore += [
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                for name, definition, kind in constraints
                if kind == "u"
            ]
            restore += [definition for _, definition in indexes]
            restore += [
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                for name, definition, kind in constraints
                if kind == "f"
            ]
    yield
    with connection.cursor() as cursor:
        # Unique constraints and indexes first, so the foreign keys validate against them.
        for statement in sorted(restore, key=lambda s: "FOREIGN KEY" in s):
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def register_title(*, count: int, seed: int) -> str:
    """The title of the dataset source every generated deal cites: it records what was generated."""
    return f"{REGISTER_PREFIX} (generator v{GENERATOR_VERSION}, seed {seed}, {count} deals)"


def generated_already(*, count: int, seed: int) -> bool:
    """True when exactly this count and seed are in the database; an error when other generated data is."""
    titles = list(
        Source.objects.filter(kind=SourceKind.DATASET, title__startswith=REGISTER_PREFIX).values_list(
            "title", flat=True
        )
    )
    if titles == [register_title(count=count, seed=seed)]:
        return True
    if titles:
        raise ValueError(f"This database already holds other generated deals ({titles[0]}); use a fresh database.")
    return False


def generate(*, count: int, seed: int, log: Callable[[str], None] = print) -> dict:
    """Write `count` synthetic deals with everything they reference; returns the counts written and the time taken."""
    title = register_title(count=count, seed=seed)
    states = {a.slug: a for a in Actor.objects.filter(kind__in=[ActorKind.STATE, ActorKind.HISTORICAL_STATE])}
    missing = [slug for slug in [*SUPPLIERS, "serbia"] if slug not in states]
    if missing:
        raise ValueError(f"The seeded states are missing ({', '.join(missing[:5])}); run `manage.py seed` first.")
    categories = {c.slug: c for c in Category.objects.all()}
    rng = random.Random(seed)
    started = time.perf_counter()
    written = {}
    with transaction.atomic():
        companies = _companies(rng, count, states, written)
        systems_by_origin = _systems(rng, count, states, companies, categories, written)
        register_id, articles = _sources(rng, count, title, written)
        # The statistics' triggers would run a join and two updates for every delivery row (a million deals took
        # hours); without them the rows go in at COPY speed and the fact table is rebuilt once, in one statement.
        triggers.uninstall(connection)
        with indexes_rebuilt_after([Deal, Delivery, Citation], enabled=count >= REBUILD_FROM):
            first, last = _deals(rng, count, states, companies, systems_by_origin, register_id, articles, written, log)
            log("building indexes")
        log("rebuilding the delivery statistics")
        triggers.install(connection, force=True)
        # One query over everything generated, once the citations' deal index is back: a reviewed deal without
        # a supporting citation fails the whole run's transaction.
        deals_require_support(deals=Deal.objects.filter(pk__range=(first, last)))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fresh statistics for the planner, and a visibility map so counts can run as index-only scans.
        with connection.cursor() as cursor:
            for model in (Deal, Delivery, Citation, Source, System, Actor):
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    written["seconds"] = round(time.perf_counter() - started, 1)
    return written


def _companies(rng, count, states, written) -> list[tuple[int, str, int]]:
    """(id, name, home state id) of the generated companies, a few per supplier state."""
    n = max(20, min(2000, count // 500))
    pick_home = weighted(rng, {slug: w for slug, w in SUPPLIERS.items() if states[slug].valid_to is None})
    first = reserve_ids(Actor, n)
    table, names, out = Table(Actor), set(), []
    for i in range(n):
        base = f"{rng.choice(COMPANY_WORDS[0])} {rng.choice(COMPANY_WORDS[1])}"
        name = base if base not in names else f"{base} {i}"
        names.add(name)
        home = states[pick_home()]
        table.add(id=first + i, slug=slugify(name), name=name, kind=ActorKind.COMPANY, part_of_id=home.pk, notes=MARKER)
        out.append((first + i, name, home.pk))
    written["companies"] = table.flush()
    return out


def _systems(rng, count, states, companies, categories, written) -> dict[int, list[tuple]]:
    """Systems grouped by origin state id: (id, label, description) each."""
    n = max(50, min(5000, count // 200))
    pick_category = weighted(rng, {slug: w for slug, (w, _) in CATEGORIES.items() if slug in categories})
    by_home: dict[int, list] = {}
    for company in companies:
        by_home.setdefault(company[2], []).append(company)
    producers = list(by_home.items())
    weights = [len(v) for _, v in producers]
    taken = set(System.objects.values_list("slug", flat=True))
    letters = "BDFGKLNPRSVXZ"
    first = reserve_ids(System, n)
    table, out = Table(System), {}
    for i in range(n):
        category = pick_category()
        description = rng.choice(CATEGORIES[category][1])
        home, makers = rng.choices(producers, weights=weights)[0]
        producer = rng.choice(makers)
        generic = rng.random() < 0.03
        if generic:
            designation, name = "", f"{description}s (type {i})"
            slug = slugify(name)
        else:
            designation = f"{rng.choice(letters)}{rng.choice(letters)}-{100 + i}{rng.choice(['', '', 'A', 'M', 'E'])}"
            name, slug = "", slugify(designation)
        if slug in taken:
            slug = f"{slug}-{i}"
        taken.add(slug)
        table.add(
            id=first + i,
            slug=slug,
            designation=designation,
            name=name,
            description=description,
            category_id=categories[category].pk,
            producer_id=producer[0],
            origin_id=home,
            is_generic=generic,
            notes=MARKER,
        )
        out.setdefault(home, []).append((first + i, designation or name, description))
    written["systems"] = table.flush()
    return out


def _sources(rng, count, title, written) -> tuple[int, list[tuple[int, str]]]:
    """The synthetic register's id, and (id, publisher) of every generated article."""
    n = max(10, count // 40)
    first = reserve_ids(Source, n + 1)
    table = Table(Source)
    table.add(
        id=first,
        uid=new_uid(rng),
        kind=SourceKind.DATASET,
        title=title,
        publisher="Dealgraph",
        published_on=datetime.date(2026, 1, 1),
        retrieved_on=datetime.date(2026, 1, 1),
        language="en",
        scope=f"{count} synthetic deals, {FIRST_YEAR}-{LAST_YEAR}",
        notes=MARKER,
    )
    articles = []
    for i in range(1, n + 1):
        publisher = rng.choice(PUBLISHERS)
        published = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(13000))
        table.add(
            id=first + i,
            uid=new_uid(rng),
            kind=SourceKind.ARTICLE,
            title=f"{rng.choice(['New', 'Further', 'Delayed', 'Confirmed', 'Expanded'])} arms deal reported ({i})",
            url=f"https://news.example.org/{slugify(publisher)}/{i}",
            publisher=publisher,
            authors=f"Staff reporter {i % 97}",
            published_on=published,
            retrieved_on=published + datetime.timedelta(days=rng.randrange(400)),
            language="en",
            notes=MARKER,
        )
        articles.append((first + i, publisher))
    written["sources"] = table.flush()
    return first, articles


def _deals(rng, count, states, companies, systems_by_origin, register_id, articles, written, log) -> tuple[int, int]:
    """Write the deals with their deliveries and citations; returns the first and last deal id written."""
    supplier_weights = {states[slug].pk: w for slug, w in SUPPLIERS.items()}
    company_weight = COMPANY_SHARE / len(companies)
    supplier_weights.update({company_id: company_weight for company_id, _, _ in companies})
    pick_supplier = weighted(rng, supplier_weights)
    names = {a.pk: a.name for a in states.values()} | {c[0]: c[1] for c in companies}
    company_home = {c[0]: c[2] for c in companies}
    year_span = {
        a.pk: (
            max(FIRST_YEAR, FIRST_YEARS.get(a.slug, a.valid_from or FIRST_YEAR)),
            min(LAST_YEAR, a.valid_to or LAST_YEAR),
        )
        for a in states.values()
    }

    # Recipients: current states on a long-tailed curve in a seed-fixed order, with Serbia's share pinned.
    candidates = sorted(a.pk for a in states.values() if a.kind == ActorKind.STATE and a.slug != "serbia")
    rng.shuffle(candidates)
    curve = {pk: 1 / (rank + 3) for rank, pk in enumerate(candidates)}
    total = sum(curve.values())
    curve[states["serbia"].pk] = total * SERBIA_SHARE / (1 - SERBIA_SHARE)
    pick_recipient = weighted(rng, curve)
    every_system = [s for group in systems_by_origin.values() for s in group]

    pick_year = weighted(rng, {y: 1 + (y - FIRST_YEAR) / 25 for y in range(FIRST_YEAR, LAST_YEAR + 1)})
    pick_kind, pick_condition = weighted(rng, KINDS), weighted(rng, CONDITIONS)
    pick_old, pick_recent = weighted(rng, STATUSES_OLD), weighted(rng, STATUSES_RECENT)
    pick_extra_citations = weighted(rng, {0: 70, 1: 22, 2: 8})
    deals, deliveries, citations = Table(Deal), Table(Delivery, with_ids=False), Table(Citation, with_ids=False)
    totals = {"deals": 0, "deliveries": 0, "citations": 0}
    done, first = 0, None
    while done < count:
        n = min(BATCH, count - done)
        deal_id = reserve_ids(Deal, n)
        first = deal_id if first is None else first
        last = deal_id + n - 1
        rows = []
        for _ in range(n):
            supplier = pick_supplier()
            home = company_home.get(supplier, supplier)
            recipient = pick_recipient()
            while recipient in (supplier, home):
                recipient = pick_recipient()
            low, high = year_span.get(home, (FIRST_YEAR, LAST_YEAR))
            year = pick_year()
            if not low <= year <= high:
                year = rng.randint(low, high)
            rows.append((deal_id, supplier, home, recipient, year))
            deal_id += 1
        for deal_id, supplier, home, recipient, year in rows:
            own = systems_by_origin.get(home)
            system_id, label, description = rng.choice(own if own and rng.random() < 0.9 else every_system)
            kind = pick_kind()
            status = pick_old() if year < 2015 else pick_recent()
            unknown_year = status in (DealStatus.INTEREST, DealStatus.OFFER) and rng.random() < 0.3
            ordered = None if rng.random() < 0.06 else int(rng.lognormvariate(2.2, 1.1)) + 1
            quantity_text = "several" if ordered is None and rng.random() < 0.3 else ""
            span = []
            if status in (DealStatus.DELIVERED, DealStatus.DELIVERY_IN_PROGRESS) and not unknown_year:
                start = min(LAST_YEAR, year + rng.choice([0, 1, 1, 2, 2, 3]))
                span = list(range(start, min(LAST_YEAR, start + rng.choice([0, 0, 1, 1, 2, 3])) + 1))
            delivered = None
            if span and ordered is not None:
                delivered = ordered if status == DealStatus.DELIVERED else max(1, ordered // 2)
            value = None
            if rng.random() < 0.1:
                value = Decimal(rng.randrange(1_000_000, 2_000_000_000, 1000))
            tiv = Decimal(rng.randrange(10, 200_000)) / 1000 if rng.random() < 0.5 else None
            deals.add(
                id=deal_id,
                uid=new_uid(rng),
                supplier_id=supplier,
                recipient_id=recipient,
                system_id=system_id,
                kind=kind,
                status=status,
                year=None if unknown_year else year,
                year_is_estimate=not unknown_year and rng.random() < 0.12,
                quantity_ordered=ordered,
                quantity_ordered_is_estimate=ordered is not None and rng.random() < 0.15,
                quantity_delivered=delivered,
                quantity_delivered_is_estimate=delivered is not None and rng.random() < 0.1,
                quantity_text=quantity_text,
                first_delivery_year=span[0] if span else None,
                last_delivery_year=span[-1] if span else None,
                condition=pick_condition(),
                value=value,
                currency="USD" if value is not None else "",
                notes=rng.choice(NOTES),
                review_status=ReviewStatus.DRAFT if rng.random() < 0.05 else ReviewStatus.REVIEWED,
                tiv_per_unit=tiv,
                tiv_total=tiv * ordered if tiv is not None and ordered else None,
                tiv_delivered=tiv * delivered if tiv is not None and delivered is not None else None,
            )
            left = delivered
            for index, delivery_year in enumerate(span):
                quantity = None
                if left is not None:
                    quantity = left if index == len(span) - 1 else left // (len(span) - index)
                    left -= quantity
                year_tiv = tiv * quantity if tiv is not None and quantity is not None else None
                deliveries.add(deal_id=deal_id, year=delivery_year, quantity=quantity, tiv=year_tiv)
            how_many = (quantity_text or ordered or "some") if rng.random() < 0.9 else "an unknown number of"
            quote = (
                f"{names[recipient]} {VERBS[kind]} {how_many} {label} ({description}) from {names[supplier]}"
                f"{'' if unknown_year else f' in {year}'}."
            )
            first_source = register_id if rng.random() < 0.6 else rng.choice(articles)[0]
            evidence = [(first_source, Stance.SUPPORTS)]
            for _ in range(pick_extra_citations()):
                evidence.append(
                    (rng.choice(articles)[0], Stance.CONTRADICTS if rng.random() < 0.03 else Stance.SUPPORTS)
                )
            for source_id, stance in evidence:
                register = source_id == register_id
                citations.add(
                    uid=new_uid(rng),
                    source_id=source_id,
                    deal_id=deal_id,
                    quote=quote,
                    locator=f"row {deal_id}" if register else f"paragraph {rng.randint(1, 12)}",
                    stance=stance,
                    hedge=Hedge.ESTIMATED
                    if register and rng.random() < 0.1
                    else (Hedge.REPORTED if not register and rng.random() < 0.15 else Hedge.ASSERTED),
                    hedge_text="",
                )
        totals["deals"] += deals.flush()
        totals["deliveries"] += deliveries.flush()
        totals["citations"] += citations.flush()
        done += n
        if done % 100_000 == 0 or done == count:
            log(f"{done:,} deals")
    written.update(totals)
    return first, last
