"""`manage.py import_sipri FILE [FILE ...]`: load SIPRI's (or Dealgraph's) register exports, a transaction per file."""

import argparse
import sys
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from deals.importers.sipri import FormatError, MissingReferenceData, import_release

SKIPPED_SHOWN = 50


class Progress:
    """A one-line bar on a terminal; silent when output goes to a file or CI log."""

    def __init__(self, stream, enabled: bool):
        self.stream = stream
        self.enabled = enabled
        self.shown = False

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        share = done / total if total else 1
        bar = "#" * int(share * 30)
        self.stream.write(f"\r  {label:<9} [{bar:<30}] {share:4.0%}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
            self.shown = False


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-02-12") from None


class Command(BaseCommand):
    help = (
        "Import SIPRI Arms Transfers Database trade-register CSV exports (classic or per-delivery-year layout), "
        "or Dealgraph's own /api/v1/deals/export.csv. "
        "Re-importing a file changes nothing; a newer release updates matched deals in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", help="CSV exports, as downloaded from SIPRI or from a Dealgraph deals export."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll everything back."
        )
        parser.add_argument(
            "--overwrite-curated",
            action="store_true",
            help="Overwrite fields a curator edited or locked since the last import.",
        )
        parser.add_argument(
            "--release-date",
            type=iso_date,
            default=None,
            help="Generation date (YYYY-MM-DD) for an export without a 'Data generated' line "
            "(a Dealgraph export otherwise takes the file's date).",
        )

    def handle(self, *args, files, dry_run, overwrite_curated, release_date, verbosity, **options):
        progress = Progress(sys.stderr, enabled=self.stdout.isatty() and sys.stderr.isatty() and verbosity > 0)
        failures = []
        for path in files:
            try:
                report = import_release(
                    path,
                    dry_run=dry_run,
                    overwrite_curated=overwrite_curated,
                    release_date=release_date,
                    progress=progress,
                )
            except MissingReferenceData as error:
                progress.clear()
                # The database, not the file, is what is missing something: no other file would fare better.
                raise CommandError(str(error)) from None
            except (FormatError, OSError) as error:
                progress.clear()
                failures.append(path)
                self.stderr.write(f"{path}: not imported: {error}")
                continue
            except ValidationError as error:
                progress.clear()
                failures.append(path)
                self.stderr.write(f"{path}: not imported, nothing of it was written: {' '.join(error.messages)}")
                continue
            except Exception as error:  # noqa: BLE001 - one broken file must not stop the others
                progress.clear()
                if options.get("traceback"):
                    raise
                failures.append(path)
                self.stderr.write(f"{path}: not imported, nothing of it was written: {error!r}")
                continue
            progress.clear()
            self._summary(report, verbosity)
        if failures:
            raise CommandError(f"{len(failures)} of {len(files)} file(s) not imported: {', '.join(failures)}")

    def _summary(self, report, verbosity):
        if verbosity == 0:
            return
        source = "new source" if report.source_created else "existing source"
        prefix = "DRY RUN, rolled back: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.path} ({report.layout.replace('_', '-')} layout, {report.encoding}) -> "
            f"“{report.source_title}” ({source})"
        )
        self.stdout.write(
            f"  rows read {report.rows_read}; deals created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}; rows skipped {len(report.skipped)}"
        )
        extras = []
        if report.actors_created:
            extras.append(f"actors created {report.actors_created}")
        if report.systems_created:
            extras.append(f"systems created {report.systems_created}")
        if report.renamed:
            extras.append(f"matched across a renamed designation {report.renamed}")
        if report.aliases_created:
            extras.append(f"SIPRI designations recorded as aliases {report.aliases_created}")
        if report.curated_kept:
            extras.append(f"curator edits kept {report.curated_kept}")
        if extras:
            self.stdout.write("  " + "; ".join(extras))
        self.stdout.write(
            f"  Matches: {report.same_transfers} possible same transfer(s), {report.contradictions} "
            "contradiction(s) with deals from other sources (GET /api/v1/deals/{id}/matches/)."
        )
        shown = report.skipped if verbosity > 1 else report.skipped[:SKIPPED_SHOWN]
        for line, reason in shown:
            self.stdout.write(f"  line {line}: {reason}")
        if len(shown) < len(report.skipped):
            self.stdout.write(f"  ... and {len(report.skipped) - len(shown)} more skipped rows (-v 2 lists all)")
