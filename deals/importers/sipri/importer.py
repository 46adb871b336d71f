"""Import one SIPRI export: read it, map its names, match and write its deals, all in one transaction."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from sources.choices import SourceKind
from sources.models import Citation, Source

from ...choices import MatchRelation
from ...matching import match_refresh_counts
from ...models import Deal
from ...services import deals_require_support
from .reader import DEALGRAPH, Release, read_release
from .resolve import Resolver, clean_designation, require_reference_data
from .rows import SipriDeal, release_deals
from .stored import DEALGRAPH_PUBLISHER, SIPRI_PUBLISHER, load_stored, match, match_renamed
from .writer import Writer

SIPRI_URL = "https://www.sipri.org/databases/armstransfers"
DEALGRAPH_SUBTITLE = "Deals exported from a Dealgraph registry through /api/v1/deals/export.csv"


@dataclass
class ImportReport:
    path: Path
    layout: str
    encoding: str
    source_title: str
    source_created: bool
    rows_read: int
    created: int
    updated: int
    unchanged: int
    curated_kept: int
    actors_created: int
    systems_created: int
    aliases_created: int
    renamed: int
    dry_run: bool
    same_transfers: int = 0
    contradictions: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _quiet(label: str, done: int, total: int) -> None:
    pass


def release_source(release: Release) -> tuple[Source, bool]:
    """The release's Source, found again by its title and date so a re-import cites the same one."""
    found = (
        Source.objects.filter(kind=SourceKind.DATASET, title=release.title, published_on=release.generated_on)
        .order_by("id")
        .first()
    )
    if found:
        return found, False
    exported = release.layout == DEALGRAPH
    source = Source(
        kind=SourceKind.DATASET,
        title=release.title,
        subtitle=DEALGRAPH_SUBTITLE if exported else release.subtitle,
        url="" if exported else SIPRI_URL,
        publisher=DEALGRAPH_PUBLISHER if exported else SIPRI_PUBLISHER,
        published_on=release.generated_on,
        language="en",
        scope=release.scope,
        notes=f"Loaded by `import_sipri` from {release.path.name} ({release.layout.replace('_', '-')} layout).",
    )
    source.full_clean()
    source.save()
    return source, True


def _category(resolver: Resolver, sd: SipriDeal, values: dict) -> int | None:
    if values["system"] is not None:
        return resolver.system_categories.get(values["system"])
    return resolver.category(sd.category, sd.description)


def _renamed_designations(incoming: list, renamed: dict) -> dict[str, int]:
    """New designations whose renamed deals all point to one stored system: that system takes the new name."""
    targets: dict[str, set[int]] = defaultdict(set)
    for position, deal in renamed.items():
        sd, values = incoming[position]
        if values["system"] is None:
            targets[clean_designation(sd.designation)].add(deal.reference["system"])
    return {designation: systems.pop() for designation, systems in targets.items() if len(systems) == 1}


def _parties(resolver: Resolver, deals: list[SipriDeal], skipped: list) -> list[tuple[SipriDeal, int, int]]:
    """Each deal with its supplier and recipient ids; a deal naming an unrecorded plain name is skipped."""
    resolver.create_actors({name for sd in deals for name in (sd.supplier, sd.recipient)})
    named = []
    for sd in deals:
        ids = [resolver.actor(sd.supplier, code=sd.supplier_code), resolver.actor(sd.recipient, code=sd.recipient_code)]
        unknown = [name for name, pk in zip((sd.supplier, sd.recipient), ids, strict=True) if pk is None]
        if unknown:
            label = "unknown actor" if len(unknown) == 1 else "unknown actors"
            skipped.extend((line, f"{label} {', '.join(unknown)}") for line in sd.lines)
        else:
            named.append((sd, *ids))
    return named


def _refresh_planner_statistics() -> None:
    """SQLite keeps no table statistics until ANALYZE runs. Without them it plans `?source=<release>` as a scan of
    the release's citations for every deal: minutes, not seconds, to export a freshly imported register.
    PostgreSQL's autovacuum analyses tables by itself."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def import_release(
    path: Path | str,
    *,
    dry_run: bool = False,
    overwrite_curated: bool = False,
    release_date: date | None = None,
    progress=_quiet,
) -> ImportReport:
    """Import one file; raises FormatError (before writing anything) when it is not a readable register, and
    MissingReferenceData when the database has not been seeded with the vocabulary the import maps onto."""
    require_reference_data()
    progress("reading", 0, 1)
    release = read_release(path, release_date=release_date)
    deals, skipped = release_deals(release)
    year_range = (release.year_from, release.year_to)
    with transaction.atomic():
        progress("matching", 0, 1)
        source, source_created = release_source(release)
        reason = f"import_sipri: {source.title}"
        resolver = Resolver(change_reason=reason)
        named = _parties(resolver, deals, skipped)
        stored = load_stored(source)
        writer = Writer(
            source=source,
            stored=stored,
            year_range=year_range,
            overwrite_curated=overwrite_curated,
            change_reason=reason,
        )
        # A designation no system knows yet stays None until matching has had a chance to recognise it.
        incoming = [
            (sd, writer.incoming(sd, supplier, recipient, resolver.system(sd.designation)))
            for sd, supplier, recipient in named
        ]
        matches = match(incoming, stored)
        renamed = match_renamed(
            incoming,
            stored,
            matches,
            year_range=year_range,
            category_of_incoming=lambda position: _category(resolver, *incoming[position]),
            category_of_system=resolver.system_categories.get,
        )
        matches.update(renamed)
        resolver.add_aliases(_renamed_designations(incoming, renamed))
        resolver.create_systems(
            [(sd.designation, sd.description, sd.category) for sd, values in incoming if values["system"] is None]
        )

        for position, (sd, values) in enumerate(incoming):
            if values["system"] is None:
                values["system"] = resolver.system(sd.designation)
            if values["system"] is None:
                skipped.extend((line, f"no usable designation in {sd.designation!r}") for line in sd.lines)
            else:
                writer.add(sd, values, matches.get(position))
            if position % 500 == 0:
                progress("matching", position, len(incoming))
        writer.write(progress)
        # Every deal the file wrote cites its release, so one query over those deals checks them all; a refusal
        # fails the file's transaction, leaving the database as it was.
        deals_require_support(
            deals=Deal.objects.filter(
                pk__in=Citation.objects.filter(source=source, deal__isnull=False).values("deal_id")
            )
        )
        # Deals of other sources (an article's) that these deals may record too, for a curator to merge.
        progress("matches", 0, 1)
        found = match_refresh_counts(writer.written_deals)
        if dry_run:
            transaction.set_rollback(True)

    outcome = writer.outcome
    if not dry_run and (outcome.created or outcome.updated):
        _refresh_planner_statistics()
    return ImportReport(
        path=release.path,
        layout=release.layout,
        encoding=release.encoding,
        source_title=source.title,
        source_created=source_created,
        rows_read=len(release.rows) + len(release.broken),
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        curated_kept=outcome.curated_kept,
        actors_created=resolver.actors_created,
        systems_created=resolver.systems_created,
        aliases_created=resolver.aliases_created,
        renamed=len(renamed),
        dry_run=dry_run,
        same_transfers=found[MatchRelation.SAME_TRANSFER],
        contradictions=found[MatchRelation.CONTRADICTS],
        skipped=sorted(skipped + outcome.skipped),
    )
