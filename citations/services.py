"""Writes to citations: the model checks each quote against its source's text; these add that a reviewed deal
keeps at least one supporting citation."""

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from core.services import record_delete, validated_save
from deals.choices import ReviewStatus
from deals.models import Deal
from deals.services import EVIDENCE_NEEDED, deal_require_support
from sources.choices import Stance
from sources.models import Citation


@transaction.atomic
def citation_create(**fields) -> Citation:
    return validated_save(Citation(**fields))


def deals_losing_support(*, citations: QuerySet) -> QuerySet:
    """The reviewed deals that would be left with no supporting citation without `citations` (as stored): what a
    form asks before it deletes them or turns them away from their deal."""
    others = Citation.objects.filter(deal=OuterRef("pk"), stance=Stance.SUPPORTS).exclude(pk__in=citations.values("pk"))
    supported = citations.filter(stance=Stance.SUPPORTS, deal__isnull=False).values("deal_id")
    return Deal.objects.filter(review_status=ReviewStatus.REVIEWED, pk__in=supported).exclude(Exists(others))


def last_support_message(deal: Deal) -> str:
    return f"Deal {deal.pk} is reviewed and this is its last supporting citation. {EVIDENCE_NEEDED}"


def _supported_deal(citation: Citation) -> Deal | None:
    """The deal this citation, as stored, supports, locked until the transaction ends: a reviewed deal's review
    and the deletion of its other supporting citations then wait for this write instead of racing it."""
    if citation.pk is None:
        return None
    stored = Citation.objects.filter(pk=citation.pk, stance=Stance.SUPPORTS, deal__isnull=False)
    deal_id = stored.values_list("deal_id", flat=True).first()
    return None if deal_id is None else Deal.objects.select_for_update().filter(pk=deal_id).first()


@transaction.atomic
def citation_update(*, citation: Citation, **fields) -> Citation:
    """Change a citation; one that stops supporting a reviewed deal (its stance, or the record it cites) must
    leave that deal another supporting citation."""
    deal = _supported_deal(citation)
    for name, value in fields.items():
        setattr(citation, name, value)
    validated_save(citation)
    if deal is not None and (citation.deal_id != deal.pk or citation.stance != Stance.SUPPORTS):
        field = "stance" if citation.deal_id == deal.pk else "deal"
        deal_require_support(deal, field=field, message=last_support_message(deal))
    return citation


@transaction.atomic
def citation_delete(*, citation: Citation) -> None:
    """Delete a citation, unless it is the last one supporting a reviewed deal."""
    deal = _supported_deal(citation)
    record_delete(citation)
    if deal is not None:
        deal_require_support(deal, field="citation", message=last_support_message(deal))
