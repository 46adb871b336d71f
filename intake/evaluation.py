"""Scoring intake against a corpus: articles and a gold list of the deals each states (tests/data/intake/README.md).

A proposal matches a gold deal when supplier, recipient and system agree: the same actor slugs, and the same
system (its designation or an alias, compared by letters and digits) or, for unnamed kit, a generic system of the
same kind of kit. Each gold deal matches at most one proposal, preferring one at the same stage."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from deals.models import Deal

from .services import intake_article
from .vocabulary import system_key, words


class Rollback(Exception):
    pass


@dataclass
class Score:
    gold: int = 0
    proposed: int = 0
    matched: int = 0
    stage_right: int = 0
    year_right: int = 0
    quote_holds: int = 0
    rows: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> None:
        for name in ("gold", "proposed", "matched", "stage_right", "year_right", "quote_holds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.rows.extend(other.rows)


def _system_names(deal: Deal) -> set[str]:
    system = deal.system
    names = {system_key(words(system.designation))} if system.designation else set()
    names |= {system_key(words(alias.name)) for alias in system.aliases.all()}
    return names


def _same_system(gold, deal: Deal) -> bool:
    """The gold system names the proposal's: the same designation or alias, or one written with a word more or
    less around it ("Mikoyan MiG-29" and "MiG-29", "M1A2 SEPv3" and "M1A2 SEPv3 Abrams", an alias "JF-17C" and
    "JF-17C Block III")."""
    if isinstance(gold, dict):
        kit = gold.get("generic", "").lower().rstrip("s")
        return deal.system.is_generic and kit in f"{deal.system.name} {deal.system.description}".lower()
    wanted = [system_key([w]) for w in words(gold)]
    for name in _system_names(deal):
        if name == system_key(wanted):
            return True
    named = [system_key([w]) for w in words(deal.system.designation)]
    if named and (_within(wanted, named) or _within(named, wanted)):
        return True
    # "JF-17C Block III" where the registry knows "JF-17C" as a name of its JF-17 Block III.
    return any(_within([system_key([w]) for w in words(alias.name)], wanted) for alias in deal.system.aliases.all())


def _within(part: list[str], whole: list[str]) -> bool:
    return len(part) < len(whole) and any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def _normal(text: str) -> str:
    return " ".join(text.split())


def score_article(entry: dict, text: str, proposals: list) -> Score:
    score = Score(gold=len(entry["deals"]), proposed=len(proposals))
    unmatched = list(proposals)
    for gold in entry["deals"]:
        candidates = [
            p
            for p in unmatched
            if p.deal.supplier.slug == gold["supplier"]
            and p.deal.recipient.slug == gold["recipient"]
            and _same_system(gold["system"], p.deal)
        ]
        candidates.sort(key=lambda p: p.deal.status != gold["stage"])
        row = {"file": entry["file"], "gold": gold, "found": None}
        if candidates:
            proposal = candidates[0]
            unmatched.remove(proposal)
            score.matched += 1
            score.stage_right += proposal.deal.status == gold["stage"]
            score.year_right += proposal.deal.year == gold.get("year")
            quote = text[proposal.start : proposal.end]
            score.quote_holds += _normal(gold["evidence"]) in _normal(quote)
            row["found"] = {"stage": proposal.deal.status, "year": proposal.deal.year, "quote": quote}
        score.rows.append(row)
    for proposal in unmatched:
        found = {"summary": str(proposal.deal), "quote": text[proposal.start : proposal.end]}
        score.rows.append({"file": entry["file"], "gold": None, "found": found})
    return score


def evaluate(directory: Path) -> tuple[Score, list[tuple[str, Score]]]:
    """Run intake over every article of the corpus inside a transaction that is rolled back, and score it."""
    gold = json.loads((directory / "gold.json").read_text(encoding="utf-8"))
    total, per_article = Score(), []
    for entry in gold:
        lines = (directory / entry["file"]).read_text(encoding="utf-8").split("\n", 2)
        title, body = lines[0].strip(), lines[2] if len(lines) > 2 else ""
        published = date.fromisoformat(entry["published_on"]) if entry.get("published_on") else None
        try:
            with transaction.atomic():
                intake, _ = intake_article(title=title, text=body, url=entry.get("url", ""), published_on=published)
                proposals = list(
                    intake.proposals.select_related("deal__supplier", "deal__recipient", "deal__system")
                    .prefetch_related("deal__system__aliases")
                    .exclude(deal=None)
                )
                score = score_article(entry, body, proposals)
                raise Rollback
        except Rollback:
            pass
        total.add(score)
        per_article.append((entry["file"], score))
    return total, per_article
