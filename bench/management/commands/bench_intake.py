"""Time intake on a 1,500-word article against whatever database this process uses, leaving it as it was."""

import json
import statistics
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from intake import vocabulary
from intake.extract import read_article
from intake.services import intake_article

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "intake"


class Rollback(Exception):
    pass


def article(words: int) -> str:
    """Real reporting of at least `words` words: the corpus's articles, whole paragraphs, in file order."""
    paragraphs, count = [], 0
    for path in sorted(CORPUS.glob("[0-9]*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n", 2)[-1].split("\n\n"):
            if paragraph.strip():
                paragraphs.append(paragraph.strip())
                count += len(paragraph.split())
            if count >= words:
                return "\n\n".join(paragraphs)
    return "\n\n".join(paragraphs)


class Command(BaseCommand):
    help = (
        "Read a 1,500-word article through intake (store, read, write drafts, find matches) REPEATS times, each in "
        "a transaction rolled back, and print JSON: the median seconds, the reading alone as the baseline, the "
        "vocabulary's build time from cold, and the queries one article costs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeats", type=int, default=7)
        parser.add_argument("--words", type=int, default=1500)

    def handle(self, *args, repeats: int, words: int, **options):
        text = article(words)
        published = date(2024, 9, 12)
        started = time.perf_counter()
        names = vocabulary.build()
        build_seconds = time.perf_counter() - started
        vocabulary.current()  # warm, as a running server is after its first intake
        reading, full = [], []
        for n in range(repeats):
            started = time.perf_counter()
            findings = read_article(vocabulary.current(), text, published)
            reading.append(time.perf_counter() - started)
            full.append(self.intake(text, published, n)[0])
        # Counted in a run of its own: recording each statement's SQL slows every query, which no server does.
        _, proposals, queries = self.intake(text, published, repeats, count_queries=True)
        median = statistics.median(full)
        self.stdout.write(
            json.dumps(
                {
                    "database": connection.vendor,
                    "words": len(text.split()),
                    "findings": len(findings),
                    "proposals": proposals,
                    "queries": queries,
                    "actor_names": len(names.actors),
                    "system_names": len(names.systems),
                    "vocabulary_build_s": round(build_seconds, 3),
                    "reading_median_s": round(statistics.median(reading), 4),
                    "intake_median_s": round(median, 4),
                    "intake_runs_s": [round(x, 4) for x in full],
                    "target_s": 1.0,
                    "ratio_to_target": round(median / 1.0, 3),
                }
            )
        )

    @staticmethod
    def intake(text: str, published: date, n: int, *, count_queries: bool = False) -> tuple[float, int, int | None]:
        """One intake of the article, rolled back: its seconds, its proposals, and its queries when counted."""
        queries = None
        try:
            with (
                transaction.atomic(),
                CaptureQueriesContext(connection) if count_queries else nullcontext() as captured,
            ):
                started = time.perf_counter()
                intake, _ = intake_article(
                    title="Benchmark article", text=text, url=f"https://example.org/bench/{n}", published_on=published
                )
                seconds = time.perf_counter() - started
                proposals = intake.proposals.count()
                raise Rollback
        except Rollback:
            if count_queries:
                queries = len(captured.captured_queries) - 1  # less the count above
        return seconds, proposals, queries
