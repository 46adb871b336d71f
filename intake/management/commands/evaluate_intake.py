"""Score intake on a corpus of articles with gold deals; nothing it reads stays in the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intake.evaluation import evaluate


class Command(BaseCommand):
    help = (
        "Read every article of DIR (gold.json lists each file and the deals it states) through intake, inside a "
        "transaction that is rolled back, and print precision, recall and F1 on (supplier, recipient, system), "
        "stage and year accuracy on the matched deals, and how many quotes hold the gold evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--misses",
            action="store_true",
            help="List every missed and every extra deal, with the gold evidence or the proposal's quote.",
        )

    def handle(self, *args, directory: Path, misses: bool, **options):
        if not (directory / "gold.json").is_file():
            raise CommandError(f"{directory} has no gold.json.")
        total, per_article = evaluate(directory)
        out = self.stdout.write
        out(f"{'article':<44} {'gold':>4} {'found':>5} {'match':>5} {'P':>5} {'R':>5} {'stage':>5} {'year':>5}")
        for name, s in per_article:
            out(
                f"{name[:44]:<44} {s.gold:>4} {s.proposed:>5} {s.matched:>5} {s.precision:>5.2f} {s.recall:>5.2f} "
                f"{s.stage_right:>5} {s.year_right:>5}"
            )
        matched = total.matched or 1
        out("")
        out(
            f"articles {len(per_article)}, gold deals {total.gold}, proposals {total.proposed}, matched {total.matched}"
        )
        out(f"precision {total.precision:.3f}  recall {total.recall:.3f}  F1 {total.f1:.3f}")
        out(f"stage right {total.stage_right}/{total.matched} ({total.stage_right / matched:.1%})")
        out(f"year right {total.year_right}/{total.matched} ({total.year_right / matched:.1%})")
        out(f"quote holds the evidence {total.quote_holds}/{total.matched} ({total.quote_holds / matched:.1%})")
        if misses:
            for row in total.rows:
                if row["gold"] is None:
                    out(f"EXTRA  {row['file']}: {row['found']['summary']}")
                    out(f"         quote: {row['found']['quote']}")
                elif row["found"] is None:
                    g = row["gold"]
                    out(
                        f"MISSED {row['file']}: {g['supplier']} -> {g['recipient']} {g['system']} {g['stage']} {g.get('year')}"
                    )
                    out(f"         evidence: {g['evidence']}")
                elif row["found"]["stage"] != row["gold"]["stage"] or row["found"]["year"] != row["gold"].get("year"):
                    g, f = row["gold"], row["found"]
                    out(
                        f"WRONG  {row['file']}: {g['system']} stage {f['stage']}≠{g['stage']} or year {f['year']}≠{g.get('year')}"
                    )
