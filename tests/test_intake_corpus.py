"""The intake corpora: well-formed gold lists, and the reader's scores on the corpus the issue sets targets for."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from actors.models import Actor
from deals.choices import DealStatus
from deals.models import Deal
from intake.evaluation import evaluate
from sources.models import Source

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
CORPORA = sorted(path for path in DATA.glob("intake*") if (path / "gold.json").is_file())


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda path: path.name)
def test_every_gold_deal_names_states_stages_and_evidence_in_its_article(corpus):
    states = set(Actor.objects.filter(kind="state").values_list("slug", flat=True))
    entries = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    assert len({entry["url"] for entry in entries}) == len(entries)
    for entry in entries:
        title, _, body = (corpus / entry["file"]).read_text(encoding="utf-8").split("\n", 2)
        assert title.strip() == entry["title"], entry["file"]
        for deal in entry["deals"]:
            assert {deal["supplier"], deal["recipient"]} <= states, (entry["file"], deal)
            assert deal["stage"] in DealStatus.values, (entry["file"], deal)
            assert deal["evidence"] in body, (entry["file"], deal["evidence"])
            assert isinstance(deal["system"], str) or set(deal["system"]) == {"generic"}


def test_the_reader_meets_the_issues_targets_on_its_corpus_and_keeps_nothing():
    deals, sources = Deal.objects.count(), Source.objects.count()
    total, per_article = evaluate(DATA / "intake")
    assert len(per_article) == 26 and total.gold == 142
    assert total.precision >= 0.9, f"precision {total.precision:.3f}"
    assert total.recall >= 0.8, f"recall {total.recall:.3f}"
    assert total.stage_right / total.matched >= 0.8
    assert (Deal.objects.count(), Source.objects.count()) == (deals, sources)  # every article rolled back


def test_the_command_prints_the_scores_and_with_misses_the_evidence(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "01-a.txt").write_text(
        "Chile buys jets\n\nIn 2021 Chile ordered twelve ZX-5 jets from France. Peru ordered ZX-6 tanks.\n",
        encoding="utf-8",
    )
    gold = [
        {
            "file": "01-a.txt",
            "title": "Chile buys jets",
            "published_on": "2021-06-01",
            "url": "https://example.org/t/01",
            "deals": [
                {
                    "supplier": "france",
                    "recipient": "chile",
                    "system": "ZX-5",
                    "stage": "order",
                    "year": 2021,
                    "evidence": "In 2021 Chile ordered twelve ZX-5 jets from France.",
                },
                {
                    "supplier": "spain",
                    "recipient": "peru",
                    "system": "ZX-6",
                    "stage": "order",
                    "year": None,
                    "evidence": "Peru ordered ZX-6 tanks.",
                },
            ],
        }
    ]
    (corpus / "gold.json").write_text(json.dumps(gold), encoding="utf-8")
    out = io.StringIO()
    call_command("evaluate_intake", str(corpus), "--misses", stdout=out)
    printed = out.getvalue()
    assert re.search(r"precision 0\.500  recall 0\.500", printed)
    # The gold's seller is Spain; the reader, told of none, takes France from the sentence before.
    assert "MISSED 01-a.txt: spain -> peru ZX-6 order None" in printed
    assert "evidence: Peru ordered ZX-6 tanks." in printed
    assert "EXTRA  01-a.txt: France → Peru: ZX-6" in printed and "quote: Peru ordered ZX-6 tanks." in printed
