"""Writes to deals: every path (admin, fixtures, imports, API) goes through these."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, QuerySet

from core.services import InvalidItems, validate_items, validated_save
from sources.choices import Stance
from sources.models import Citation

from .choices import Condition, ReviewStatus
from .matching import match_refresh
from .models import DELIVERY_VALUES, Deal, DealMerge, Delivery
from .signals import deal_merged

EVIDENCE_NEEDED = "A reviewed deal needs at least one supporting citation; add one or keep it as a draft."
# How many offending deals an error names; the count covers the rest.
LISTED = 20


def deals_lacking_support(deals: QuerySet, *, once_reviewed: bool = False) -> QuerySet:
    """The reviewed deals among `deals` (or all of them, `once_reviewed`) that no supporting citation backs: one
    set-based query, using the citations' deal index, so bulk writers can check a whole batch at once."""
    unsupported = deals.exclude(Exists(Citation.objects.filter(deal=OuterRef("pk"), stance=Stance.SUPPORTS)))
    return unsupported if once_reviewed else unsupported.filter(review_status=ReviewStatus.REVIEWED)


def lacking_support_message(ids: list[int], total: int) -> str:
    named = ", ".join(map(str, ids)) + (f" and {total - len(ids)} more" if total > len(ids) else "")
    return f"{EVIDENCE_NEEDED} Without one: deal(s) {named}."


def deals_require_support(*, deals: QuerySet, field: str = "review_status", once_reviewed: bool = False) -> None:
    """Refuse, inside the caller's transaction, when any reviewed deal among `deals` (any deal, `once_reviewed`)
    lacks a supporting citation."""
    lacking = deals_lacking_support(deals, once_reviewed=once_reviewed).order_by("pk").values_list("pk", flat=True)
    ids = list(lacking[:LISTED])
    if ids:
        total = len(ids) if len(ids) < LISTED else lacking.count()
        raise ValidationError({field: [lacking_support_message(ids, total)]})


def deal_require_support(deal: Deal, *, field: str = "review_status", message: str = EVIDENCE_NEEDED) -> None:
    """One deal's check, worded for the curator editing it."""
    if deal.review_status == ReviewStatus.REVIEWED and not deal.citations.filter(stance=Stance.SUPPORTS).exists():
        raise ValidationError({field: [message]})


def deal_refresh_delivery_span(*, deal: Deal) -> bool:
    """Recompute the first and last delivery years from the deal's deliveries; write only when they change.

    The span is derived from the deliveries, whose own history records the change, so this writes no history row.
    """
    span = deal.deliveries.aggregate(first=Min("year"), last=Max("year"))
    if (deal.first_delivery_year, deal.last_delivery_year) == (span["first"], span["last"]):
        return False
    deal.first_delivery_year, deal.last_delivery_year = span["first"], span["last"]
    Deal.objects.filter(pk=deal.pk).update(first_delivery_year=span["first"], last_delivery_year=span["last"])
    return True


def deals_set_review_status(*, deals: Iterable[Deal], review_status: str) -> int:
    """Set the review state of many deals, one save each so every change lands in the history. Marking them
    reviewed is all or nothing: if one lacks a supporting citation, none changes."""
    changed = 0
    if not isinstance(deals, QuerySet):
        deals = list(deals)
    with transaction.atomic():
        if review_status == ReviewStatus.REVIEWED:
            # A subquery rather than a list of ids, so a whole-table selection stays one statement.
            selected = Deal.objects.filter(
                pk__in=deals.values("pk") if isinstance(deals, QuerySet) else [deal.pk for deal in deals]
            )
            # Locked first, so a citation deleted meanwhile cannot slip between the check and the writes.
            list(selected.select_for_update().values_list("pk", flat=True))
            deals_require_support(deals=selected, once_reviewed=True)
        for deal in deals:
            if deal.review_status != review_status:
                deal.review_status = review_status
                deal.save(update_fields=["review_status"])
                changed += 1
    return changed


def _deliveries(deal: Deal, deliveries: list[dict]) -> list[Delivery]:
    rows = [Delivery(deal=deal, **d) for d in deliveries]
    years = [row.year for row in rows]
    if len(set(years)) < len(years):
        raise InvalidItems(
            "deliveries", [{"year": ["Listed twice."]} if years.count(row.year) > 1 else {} for row in rows]
        )
    return rows


def _set_span(deal: Deal, rows: list[Delivery]) -> None:
    years = [row.year for row in rows]
    deal.first_delivery_year, deal.last_delivery_year = (min(years), max(years)) if years else (None, None)


@transaction.atomic
def deal_create(*, deliveries: list[dict] | None = None, citations: list[dict] | None = None, **fields) -> Deal:
    """Create a deal with its deliveries and citations, all or nothing: one bad citation stores none of it, and
    a reviewed deal without a supporting citation stores nothing."""
    deal = Deal(**fields)
    rows = _deliveries(deal, deliveries or [])
    _set_span(deal, rows)
    validate_items("deliveries", rows, exclude=["deal"])
    validated_save(deal)
    for row in rows:
        row.deal = deal
        row.save()
    evidence = [Citation(deal=deal, **c) for c in citations or []]
    validate_items("citations", evidence)
    for citation in evidence:
        citation.save()
    deal_require_support(deal)
    return deal


@transaction.atomic
def deal_update(*, deal: Deal, deliveries: list[dict] | None = None, **fields) -> Deal:
    """Update a deal's fields; `deliveries`, when given, replaces its delivery rows. A deal left reviewed must
    have a supporting citation (checked after the write, in its transaction, so the refusal undoes it)."""
    for name, value in fields.items():
        setattr(deal, name, value)
    if deliveries is not None:
        rows = _deliveries(deal, deliveries)
        _set_span(deal, rows)
        validate_items("deliveries", rows, exclude=["deal"])
    validated_save(deal)
    if deliveries is not None:
        existing = {d.year: d for d in deal.deliveries.all()}
        for row in rows:
            current = existing.pop(row.year, None)
            if current is None:
                row.save()
            elif any(getattr(current, name) != getattr(row, name) for name in DELIVERY_VALUES):
                for name in DELIVERY_VALUES:
                    setattr(current, name, getattr(row, name))
                current.save()
        for stale in existing.values():
            stale.delete()
    deal_require_support(deal)
    return deal


# Figures a merge copies into the kept deal where it has none, each group all or nothing (a number with its
# estimate flag, a value with its currency). Kind, stage and review state stay the kept deal's.
MERGE_FILLS = [
    ("quantity_ordered", "quantity_ordered_is_estimate"),
    ("quantity_delivered", "quantity_delivered_is_estimate"),
    ("quantity_text",),
    ("value", "currency"),
    ("sipri_id",),
    ("tiv_per_unit",),
    ("tiv_total",),
    ("tiv_delivered",),
]
# Fields of the absorbed deal that its line in the kept deal's notes and its DealMerge snapshot record.
SNAPSHOT_SKIPS = {"id", "created", "updated", "import_snapshot"}


def _is_empty(value) -> bool:
    return value in (None, "", [])


def _deal_snapshot(deal: Deal) -> dict:
    """The absorbed deal as plain JSON: its own fields, deliveries and citations (whose rows move on)."""
    fields = {
        field.attname: field.value_to_string(deal)
        if field.get_internal_type() in ("DecimalField", "DateField", "UUIDField")
        else field.value_from_object(deal)
        for field in Deal._meta.concrete_fields
        if field.attname not in SNAPSHOT_SKIPS
    }
    fields["deliveries"] = [
        {
            "year": d.year,
            **{
                name: str(getattr(d, name)) if name == "tiv" and d.tiv is not None else getattr(d, name)
                for name in DELIVERY_VALUES
            },
        }
        for d in deal.deliveries.order_by("year")
    ]
    fields["citations"] = list(deal.citations.order_by("id").values_list("id", flat=True))
    return fields


def _figures_line(deal: Deal, sources: list[str]) -> str:
    """One line stating the absorbed deal's figures and sources, so each source's reading stays on record."""

    def estimated(value, flag):
        return f"{value}?" if flag else str(value)

    parts = [f"{deal.supplier.name} → {deal.recipient.name}", deal.system.label, deal.get_kind_display().lower()]
    parts.append(deal.get_status_display().lower())
    if deal.year is not None:
        parts.append(f"year {estimated(deal.year, deal.year_is_estimate)}")
    years = deal.delivery_years
    if years:
        parts.append(f"delivered {', '.join(map(str, years))}")
    if deal.quantity_ordered is not None:
        parts.append(f"quantity ordered {estimated(deal.quantity_ordered, deal.quantity_ordered_is_estimate)}")
    if deal.quantity_delivered is not None:
        parts.append(f"delivered {estimated(deal.quantity_delivered, deal.quantity_delivered_is_estimate)}")
    if deal.quantity_text:
        parts.append(f"quantity '{deal.quantity_text}'")
    if deal.value is not None:
        parts.append(f"value {deal.value} {deal.currency}")
    if deal.sipri_id is not None:
        parts.append(f"SIPRI deal {deal.sipri_id}")
    named = "; ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    cited = f" (source: {named})" if named else " (no source)"
    return f"Merged from deal {deal.pk}{cited}: {', '.join(parts)}."


def _fill_blanks(deal: Deal, into: Deal) -> None:
    for group in MERGE_FILLS:
        if _is_empty(getattr(into, group[0])) and not _is_empty(getattr(deal, group[0])):
            for name in group:
                setattr(into, name, getattr(deal, name))
    if into.condition == Condition.UNKNOWN:
        into.condition = deal.condition
    # The order year only where no delivery of the kept deal comes before it; a date only within that year.
    if (
        into.year is None
        and deal.year is not None
        and (into.first_delivery_year is None or into.first_delivery_year >= deal.year)
    ):
        into.year, into.year_is_estimate = deal.year, deal.year_is_estimate
    if into.date is None and deal.date is not None and into.year == deal.year:
        into.date, into.date_precision = deal.date, deal.date_precision
    # What the last import wrote, so a re-import of the absorbed deal's release finds it in the kept deal (and
    # keeps the kept deal's own readings as a curator's edits) instead of creating it again.
    if into.import_snapshot is None and deal.import_snapshot is not None:
        into.import_snapshot = deal.import_snapshot


@transaction.atomic
def deal_merge(*, deal: Deal, into: Deal, stance: str | None = None, user=None) -> Deal:
    """Merge `deal` into `into`: its citations move over (each keeping its stance, or all taking `stance`), its
    deliveries fill years `into` has none for, its figures fill `into`'s blanks (never replacing a value), a line
    in `into`'s notes records its own figures and sources, a DealMerge row keeps its snapshot so its history stays
    reachable, and then it is deleted. Both rows are locked first; matches of `into` are recomputed at the end.
    With `user`, `into` must be a deal that user may see. Refusals are ValidationErrors naming the field."""
    if deal.pk == into.pk:
        raise ValidationError({"into": ["A deal cannot be merged into itself."]})
    if stance is not None and stance not in Stance.values:
        raise ValidationError({"stance": [f"One of: {', '.join(Stance.values)}."]})
    rows = Deal.objects.select_for_update().filter(pk__in=[deal.pk, into.pk]).order_by("pk")
    locked = {row.pk: row for row in rows.select_related("supplier", "recipient", "system")}
    if deal.pk not in locked:
        raise ValidationError({"deal": [f"No deal {deal.pk}: it was merged or deleted meanwhile."]})
    visible = Deal.objects.visible_to(user) if user is not None else Deal.objects.all()
    if into.pk not in locked or not visible.filter(pk=into.pk).exists():
        raise ValidationError({"into": [f"No deal {into.pk} to merge into."]})
    deal, into = locked[deal.pk], locked[into.pk]
    reason_in, reason_out = f"Merged deal {deal.pk} into this one", f"Merged into deal {into.pk}"
    snapshot = _deal_snapshot(deal)
    sources = list(
        dict.fromkeys(deal.citations.select_related("source").order_by("id").values_list("source__title", flat=True))
    )

    _fill_blanks(deal, into)
    into.notes = "\n".join(filter(None, [into.notes.rstrip(), _figures_line(deal, sources)]))
    into._change_reason, into._history_user = reason_in, user
    validated_save(into)

    for citation in deal.citations.all():
        citation.deal = into
        if stance is not None:
            citation.stance = stance
        citation._change_reason, citation._history_user = reason_in, user
        citation.save()
    held = set(into.deliveries.values_list("year", flat=True))
    for delivery in deal.deliveries.all():
        if delivery.year in held or (into.year is not None and delivery.year < into.year):
            continue  # the kept deal's own count for that year stands; the notes line keeps this one's
        copy = Delivery(deal=into, year=delivery.year, **{name: getattr(delivery, name) for name in DELIVERY_VALUES})
        copy._change_reason, copy._history_user = reason_in, user
        validated_save(copy)
    deal_refresh_delivery_span(deal=into)
    deal_require_support(into, field="into")

    DealMerge.objects.filter(into=deal).update(into=into)  # earlier merges into the absorbed deal follow it
    DealMerge.objects.create(merged_id=deal.pk, merged_uid=deal.uid, into=into, user=user, snapshot=snapshot)
    for delivery in deal.deliveries.all():  # one by one, so their history says why they went
        delivery._change_reason, delivery._history_user = reason_out, user
        delivery.delete()
    deal_merged.send(sender=Deal, deal=deal, into=into, user=user)
    deal._change_reason, deal._history_user = reason_out, user
    deal.delete()
    match_refresh([into.pk])
    return into
