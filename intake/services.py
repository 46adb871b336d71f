"""Writes of intake: an article stored and read into draft deals, and the curator's decision on each."""

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actors.models import Actor
from core.services import record_delete, unique_slug, validated_save
from deals.choices import DealStatus, ReviewStatus
from deals.matching import match_refresh
from deals.models import Deal
from deals.services import deal_create, deals_set_review_status
from sources.choices import SourceKind, Stance
from sources.models import Source
from systems.models import System

from . import vocabulary as vocab
from .extract import Finding, Kit, Party, read_article
from .models import Decision, Intake, Proposal

# The longest article read, in characters: a long feature is about 60,000; a book is not an article.
MAX_TEXT = 100_000
# Stages at which the quantity written is the number ordered.
ORDERED = {DealStatus.AGREEMENT, DealStatus.ORDER, DealStatus.DELIVERY_IN_PROGRESS, DealStatus.DELIVERED}


def text_digest(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def existing_intake(*, text: str, url: str = "") -> Intake | None:
    """The intake of the same article posted before: the same text, or an article with the same URL."""
    found = Intake.objects.filter(text_digest=text_digest(text)).first()
    if found is None and url:
        found = Intake.objects.filter(source__kind=SourceKind.ARTICLE, source__url=url).first()
    return found


@transaction.atomic
def intake_article(
    *,
    title: str,
    text: str,
    url: str = "",
    publisher: str = "",
    published_on: date | None = None,
    language: str = "",
    user=None,
) -> tuple[Intake, bool]:
    """Store the article and save one draft deal, with its citation, for each deal the reader finds. The same
    article posted again changes nothing: the answer is the intake already made (and False)."""
    found = existing_intake(text=text, url=url)
    if found is not None:
        return found, False
    if url and Source.objects.filter(kind=SourceKind.ARTICLE, url=url).exists():
        raise ValidationError(
            {"url": ["An article with this URL is already stored, entered by hand; cite it instead."]}
        )
    source = validated_save(
        Source(
            kind=SourceKind.ARTICLE,
            title=title,
            url=url,
            publisher=publisher,
            published_on=published_on,
            retrieved_on=max(timezone.localdate(), published_on) if published_on else timezone.localdate(),
            language=language,
            text=text,
            notes="Read by intake; its draft deals await review.",
        )
    )
    intake = validated_save(Intake(source=source, text_digest=text_digest(text), submitted_by=user))
    vocabulary = vocab.current()
    writer = _Writer(vocabulary, source)
    proposals = [
        writer.propose(intake, position, finding)
        for position, finding in enumerate(read_article(vocabulary, text, published_on, title), start=1)
    ]
    match_refresh([proposal.deal_id for proposal in proposals])
    return intake, True


class _Writer:
    """Turns findings into records: the systems the registry lacks, the draft deals, their citations."""

    def __init__(self, vocabulary: vocab.Vocabulary, source: Source):
        self.vocabulary, self.source = vocabulary, source
        self.created: dict[tuple, System] = {}
        self.records: dict[tuple, object] = {}

    def propose(self, intake: Intake, position: int, finding: Finding) -> Proposal:
        supplier = self._actor(finding.supplier)
        recipient = self._actor(finding.recipient)
        system, new_system = self._system(finding.kit, finding.supplier)
        kit = finding.kit
        ordered = finding.stage in ORDERED and kit.quantity is not None
        deal = deal_create(
            supplier=self._record(Actor, supplier),
            recipient=self._record(Actor, recipient),
            system=system,
            kind=finding.kind,
            status=finding.stage,
            year=finding.year,
            quantity_ordered=kit.quantity if ordered else None,
            quantity_ordered_is_estimate=ordered and kit.quantity_is_estimate,
            quantity_delivered=kit.quantity if ordered and finding.stage == DealStatus.DELIVERED else None,
            quantity_text=kit.quantity_text[:100],
            review_status=ReviewStatus.DRAFT,
            notes=f"Proposed by intake from “{self.source.title[:200]}” (stage from “{finding.cue}”).",
            citations=[
                {
                    "source": self.source,
                    "quote": self.source.text[finding.quote_start : finding.quote_end],
                    "locator": f"characters {finding.quote_start}-{finding.quote_end}",
                    "stance": Stance.SUPPORTS,
                    "hedge": finding.hedge,
                    "hedge_text": finding.hedge_text[:200],
                }
            ],
        )
        # The proposal is intake's own bookkeeping, every value computed above: saved without full_clean's
        # per-constraint queries (a third of an article's), its database constraints still refuse a bad row.
        proposal = Proposal(
            intake=intake,
            position=position,
            deal=deal,
            supplier_text=_written(finding.supplier),
            recipient_text=_written(finding.recipient),
            system_text=kit.text[:300],
            candidates={
                "supplier": self._actor_candidates(finding.supplier),
                "recipient": self._actor_candidates(finding.recipient),
                "system": self._system_candidates(kit),
            },
            new_system=system if new_system else None,
            year_text=finding.year_text[:100],
            start=finding.quote_start,
            end=finding.quote_end,
            confidence=finding.confidence,
            cue=finding.cue[:200],
            summary=str(deal)[:500],
        )
        proposal.save()
        return proposal

    def _record(self, model, pk: int):
        """A record read once per article: the same states and systems recur in one article's deals."""
        key = (model, pk)
        if key not in self.records:
            self.records[key] = model.objects.get(pk=pk)
        return self.records[key]

    def _actor(self, party: Party | None) -> int:
        if party is not None and party.party is not None:
            return party.party
        if self.vocabulary.unknown_actor is None:
            raise ValidationError({"text": ["The registry has no `unknown` actor to stand for an unnamed party."]})
        return self.vocabulary.unknown_actor

    def _actor_candidates(self, party: Party | None) -> list[dict]:
        if party is None:
            return []
        ranked = party.candidates or ([(party.party, 1.0)] if party.party else [])
        return [
            {"id": pk, "slug": self.vocabulary.actor_info[pk][0], "name": self.vocabulary.actor_info[pk][1], "score": s}
            for pk, s in ranked
            if pk in self.vocabulary.actor_info
        ]

    def _system_candidates(self, kit: Kit) -> list[dict]:
        ranked = kit.candidates or ([(kit.system, 1.0)] if kit.system else [])
        found = []
        for pk, score in ranked:
            info = self.vocabulary.system_info.get(pk)
            if info is not None:
                found.append(
                    {"id": pk, "slug": info["slug"], "name": info["designation"] or info["name"], "score": score}
                )
        return found

    def _system(self, kit: Kit, supplier: Party | None) -> tuple[System, bool]:
        """The registry's system for the kit, or a new one: a designation the registry lacks, or unnamed kit of
        the supplier's (one generic entry per kind of kit and origin)."""
        if kit.system is not None:
            return self._record(System, kit.system), False
        origin = supplier.party if supplier is not None and supplier.party is not None else None
        if origin is not None and self.vocabulary.actor_info[origin][2] != "state":
            origin = None
        category = self.vocabulary.categories.get(kit.category) or self.vocabulary.categories.get("other")
        if kit.designation:
            key = ("designation", vocab.system_key([kit.designation]))
            if key not in self.created:
                # A variant link is the curator's call: the candidates in the proposal show what it may be.
                system = System(
                    slug=unique_slug(System, kit.designation),
                    designation=kit.designation[:200],
                    description=kit.description[:200],
                    category_id=category,
                    origin_id=origin,
                    review_status=ReviewStatus.DRAFT,
                    notes=f"Added by intake from “{self.source.title[:200]}”; check it when reviewing its deals.",
                )
                self.created[key] = validated_save(system)
            return self.created[key], True
        existing = self._generic(kit.generic, origin)
        if existing is not None:
            return existing, False
        key = ("generic", kit.generic, origin)
        if key not in self.created:
            demonym = self.vocabulary.demonyms.get(origin, "") if origin else ""
            written = kit.text if kit.text.lower().endswith(kit.generic) else kit.generic
            name = f"{demonym} {written.lower()}".strip()  # "Indian anti-tank rockets", as the article has it
            system = System(
                slug=unique_slug(System, name),
                name=name[:200],
                description=kit.generic[:200],
                category_id=category,
                origin_id=origin,
                is_generic=True,
                review_status=ReviewStatus.DRAFT,
                notes=f"Unnamed kit, added by intake from “{self.source.title[:200]}”.",
            )
            self.created[key] = validated_save(system)
        return self.created[key], True

    def _generic(self, kit: str, origin: int | None) -> System | None:
        """An existing generic entry for this kind of kit: the origin's own first ("Iranian combat drones"), then
        one of no origin ("anti-aircraft missiles")."""
        head = kit.split()[-1].lower()
        stem = head[:-1] if head.endswith("s") else head
        best = None
        for pk, info in self.vocabulary.system_info.items():
            if not info["is_generic"] or stem not in info["name"].lower():
                continue
            if info["origin_id"] == origin and origin is not None:
                return self._record(System, pk)
            if info["origin_id"] is None and origin is None and best is None:
                best = pk
        return self._record(System, best) if best is not None else None


def _written(party: Party | None) -> str:
    return party.text[:200] if party is not None else ""


def _decide(proposal: Proposal, decision: str, user, **fields) -> Proposal:
    proposal.decision, proposal.decided_by, proposal.decided_at = decision, user, timezone.now()
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal._change_reason = f"Proposal {decision}"
    return validated_save(proposal)


def open_proposal(deal: Deal) -> Proposal | None:
    return deal.proposals.filter(decision=Decision.OPEN).first()


@transaction.atomic
def deal_accept(*, deal: Deal, user=None) -> Deal:
    """A curator accepts a draft: it becomes reviewed, with its citation; an intake proposal records who accepted."""
    if deal.review_status != ReviewStatus.DRAFT:
        raise ValidationError({"review_status": ["Only a draft deal can be accepted; this one is already reviewed."]})
    deal._change_reason = "Accepted by a curator"
    deals_set_review_status(deals=[deal], review_status=ReviewStatus.REVIEWED)
    system = deal.system
    if system.review_status == ReviewStatus.DRAFT:
        system.review_status = ReviewStatus.REVIEWED
        system._change_reason = f"Reviewed with deal {deal.pk}"
        validated_save(system)
    proposal = open_proposal(deal)
    if proposal is not None:
        _decide(proposal, Decision.ACCEPTED, user)
    return deal


@transaction.atomic
def deal_reject(*, deal: Deal, user=None, reason: str = "") -> Proposal | None:
    """A curator rejects a draft: the deal goes (its history keeps it), the source stays, and an intake proposal
    keeps the decision; a system intake added for it alone goes too."""
    if deal.review_status != ReviewStatus.DRAFT:
        raise ValidationError({"review_status": ["Only a draft deal can be rejected; a reviewed deal is deleted."]})
    proposal = open_proposal(deal)
    deal._change_reason = f"Rejected by a curator{': ' + reason if reason else ''}"[:100]
    record_delete(deal)
    if proposal is None:
        return None
    system = proposal.new_system
    proposal = _decide(proposal, Decision.REJECTED, user, deal=None)
    if system is not None and not system.deals.exists() and not system.variants.exists():
        record_delete(system)
    return proposal


def proposal_merged(*, deal: Deal, into: Deal, user=None) -> None:
    """Record that an intake draft was merged into another deal (called by the merge, before the draft goes)."""
    proposal = open_proposal(deal)
    if proposal is not None:
        _decide(proposal, Decision.MERGED, user, merged_into=into)
