"""Decide what each SIPRI deal changes, keeping curators' edits, then write only the changes, in bulk."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from core.db import create_rows, record_history, update_rows
from sources.choices import Hedge, Stance
from sources.models import Citation, Source

from ...choices import DealKind, DealStatus, ReviewStatus
from ...models import MAX_YEAR, MIN_YEAR, Deal, Delivery
from .rows import SipriDeal
from .stored import DELIVERIES, MANAGED, TIV_FIELDS, Stored, StoredDeal, attname, to_json, years

# Values a new deal gets for what its file does not say; a per-year export has no comments, so no kind.
DEFAULTS = {
    "quantity_ordered": None,
    "quantity_ordered_is_estimate": False,
    "notes": "",
    "condition": "unknown",
    "tiv_per_unit": None,
    "tiv_total": None,
    "tiv_delivered": None,
    "kind": DealKind.UNSPECIFIED.value,
}
MAX_INT = 2147483647
MAX_TIV = Decimal(10) ** 11
BATCH = 1000

AID = re.compile(r"\baid\b|\bgifts?\b|\bdonat(ed|ion)\b", re.IGNORECASE)
LEASE = re.compile(r"\bleas(e|ed|ing)\b|\bloan(ed)?\b", re.IGNORECASE)
LICENCE = re.compile(
    r"licen[cs]ed?[- ]production|(produc(ed|tion)|assembl(ed|y)|built|manufactur(ed|e)) under licen[cs]e",
    re.IGNORECASE,
)


def kind_from_comment(comment: str) -> str:
    if AID.search(comment):
        return DealKind.AID.value
    if LEASE.search(comment):
        return DealKind.LEASE.value
    if LICENCE.search(comment):
        return DealKind.LICENSED_PRODUCTION.value
    return DealKind.PURCHASE.value


def status_for(values: dict) -> str:
    ordered, delivered = values["quantity_ordered"], values["quantity_delivered"]
    if ordered is not None and delivered is not None and delivered >= ordered:
        return DealStatus.DELIVERED.value
    if delivered or values[DELIVERIES]:
        return DealStatus.DELIVERY_IN_PROGRESS.value
    return DealStatus.ORDER.value


def is_blank(name: str, value) -> bool:
    return value in (None, "", []) or (name == "condition" and value == "unknown")


def fills_blanks(stored: list[list], incoming: list[list] | None) -> bool:
    """The incoming delivery rows have the stored years, as stored, and only add numbers (a year's count, its TIV)
    the stored rows leave unknown: filling those is filling blanks, not undoing a curator's reading."""
    if incoming is None or [row[:2] for row in stored] != [row[:2] for row in incoming]:
        return False
    return all(
        (old[2] is None or old[2:4] == new[2:4]) and (old[4] is None or old[4] == new[4])
        for old, new in zip(stored, incoming, strict=False)
    )


def problem(values: dict) -> str | None:
    """Mirror the deal's constraints, so a bad row is skipped and reported instead of failing a bulk insert."""
    year, delivered_in = values["year"], years(values)
    for what, when in [("order year", year), *(("delivery year", y) for y in delivered_in)]:
        if when is not None and not MIN_YEAR <= when <= MAX_YEAR:
            return f"{what} {when} lies outside {MIN_YEAR}-{MAX_YEAR}"
    if year is not None and delivered_in and min(delivered_in) < year:
        return f"a delivery in {min(delivered_in)} comes before the order year {year}"
    if values["supplier"] == values["recipient"]:
        return "supplier and recipient are the same actor"
    numbers = [values["quantity_ordered"], values["quantity_delivered"], *(row[2] for row in values[DELIVERIES])]
    if any(number is not None and number > MAX_INT for number in numbers):
        return "a number is too large"
    tivs = [values[name] for name in TIV_FIELDS] + [row[4] for row in values[DELIVERIES]]
    if any(tiv is not None and Decimal(tiv) >= MAX_TIV for tiv in tivs):
        return "a TIV value is too large"
    return None


def db_value(name: str, value):
    return Decimal(value) if name in TIV_FIELDS and value is not None else value


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    curated_kept: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


class Writer:
    """Plans every deal of a release first, then writes each table in a few statements."""

    def __init__(
        self, *, source: Source, stored: Stored, year_range: tuple, overwrite_curated: bool, change_reason: str
    ):
        self.source = source
        self.stored = stored
        self.year_range = year_range
        self.overwrite_curated = overwrite_curated
        self.reason = change_reason
        self.outcome = Outcome()
        self.now = timezone.now()
        self.new_deals: list[tuple[dict, list[list], SipriDeal]] = []
        self.deal_changes: dict[int, dict] = {}
        self.new_deliveries: list[dict] = []
        self.delivery_changes: dict[int, dict] = {}
        self.gone_deliveries: list[int] = []
        self.new_citations: list[dict] = []
        self.citation_changes: dict[int, dict] = {}
        # Stored deals this release changed or newly cited; new deals join once written (written_deals).
        self.touched: list[int] = []

    def incoming(self, sd: SipriDeal, supplier: int, recipient: int, system: int | None) -> dict:
        """The values this release states, JSON-ready, for the columns its file has."""
        values = {
            "supplier": supplier,
            "recipient": recipient,
            "system": system,
            "year": sd.year,
            "year_is_estimate": sd.year_is_estimate,
            "quantity_delivered": sd.quantity_delivered,
            "quantity_delivered_is_estimate": sd.quantity_delivered_is_estimate,
            DELIVERIES: [d.as_json() for d in sd.deliveries],
        }
        optional = {
            "condition": {"condition": sd.condition},
            "ordered": {
                "quantity_ordered": sd.quantity_ordered,
                "quantity_ordered_is_estimate": sd.quantity_ordered_is_estimate,
            },
            "tiv_per_unit": {"tiv_per_unit": to_json(sd.tiv_per_unit)},
            "tiv_total": {"tiv_total": to_json(sd.tiv_total)},
            "tiv_delivered": {"tiv_delivered": to_json(sd.tiv_delivered)},
            "comment": {"notes": sd.comment or "", "kind": kind_from_comment(sd.comment or "")},
        }
        for column, fields in optional.items():
            if column in sd.columns:
                values.update(fields)
        if sd.local_production:
            values["kind"] = DealKind.LICENSED_PRODUCTION.value
        # Dealgraph's export states the kind and stage outright, which may be a curator's, not a SIPRI reading.
        if sd.kind:
            values["kind"] = sd.kind
        if sd.status:
            values["status"] = sd.status
        return values

    def skip(self, sd: SipriDeal, reason: str) -> None:
        self.outcome.skipped.extend((line, reason) for line in sd.lines)

    def add(self, sd: SipriDeal, values: dict, deal: StoredDeal | None) -> None:
        if deal is None:
            self._create(sd, values)
        else:
            self._update(sd, values, deal)

    def _create(self, sd: SipriDeal, values: dict) -> None:
        final = {**DEFAULTS, **values}
        final["status"] = values.get("status") or status_for(final)
        reason = problem(final)
        if reason:
            return self.skip(sd, reason)
        delivered_in = years(final)
        row = {attname(name): db_value(name, final[name]) for name in MANAGED}
        row.update(
            review_status=sd.review_status or ReviewStatus.REVIEWED.value,
            sipri_id=sd.sipri_id,
            created=self.now,
            updated=self.now,
            first_delivery_year=min(delivered_in, default=None),
            last_delivery_year=max(delivered_in, default=None),
            import_snapshot={name: final[name] for name in [*MANAGED, DELIVERIES]},
        )
        self.new_deals.append((row, final[DELIVERIES], sd))
        self.outcome.created += 1

    def _merge_deliveries(self, values: dict, current: dict) -> None:
        """A release speaks only for deliveries within its year range: keep the stored ones outside it."""
        start, end = self.year_range
        incoming_years = set(years(values))
        kept = (
            []
            if start is None
            else [row for row in current[DELIVERIES] if not start <= row[0] <= end and row[0] not in incoming_years]
        )
        if not kept:
            return
        values[DELIVERIES] = sorted(kept + values[DELIVERIES])
        if values["quantity_delivered"] is not None and all(row[2] is not None for row in kept):
            values["quantity_delivered"] += sum(row[2] for row in kept)
            values["quantity_delivered_is_estimate"] = values["quantity_delivered_is_estimate"] or any(
                row[3] for row in kept
            )
        else:
            del values["quantity_delivered"], values["quantity_delivered_is_estimate"]
        # The release's TIV of deliveries covers only its own years: the deal's is the sum of every year's, where
        # each is known.
        rows = values[DELIVERIES]
        if values.get("tiv_delivered") is not None and all(row[4] is not None for row in rows):
            values["tiv_delivered"] = to_json(sum((Decimal(row[4]) for row in rows), Decimal(0)))
        else:
            values.pop("tiv_delivered", None)

    def _protected(self, deal: StoredDeal, values: dict) -> set[str]:
        """Fields a curator locked, or edited since the import that last wrote them."""
        if self.overwrite_curated:
            return set()
        protected = {name.removesuffix("_id") for name in deal.locked if isinstance(name, str)}
        snapshot = deal.snapshot
        for name, value in deal.current.items():
            if snapshot is None or name not in snapshot:
                # A deal a curator wrote before any import: the import only fills its blanks.
                edited = not is_blank(name, value) and not (
                    name == DELIVERIES and fills_blanks(value, values.get(DELIVERIES))
                )
            else:
                edited = value != snapshot[name]
            if edited:
                protected.add(name)
        return protected

    def _update(self, sd: SipriDeal, values: dict, deal: StoredDeal) -> None:
        current = deal.current
        self._merge_deliveries(values, current)
        protected = self._protected(deal, values)
        final = dict(current)
        final.update((name, value) for name, value in values.items() if name not in protected)
        # The stage follows SIPRI's own numbers, not a curator's corrections to them (unless the file states it).
        values["status"] = values.get("status") or status_for({**deal.reference, **values})
        if "status" not in protected:
            final["status"] = values["status"]
        reason = problem(final)
        if reason:
            return self.skip(sd, reason + (" (keeping a curator's edit)" if protected else ""))
        self.outcome.curated_kept += sum(
            1 for name, value in values.items() if name in protected and value != current[name]
        )

        changes = {attname(name): db_value(name, final[name]) for name in MANAGED if final[name] != current[name]}
        span = (min(years(final), default=None), max(years(final), default=None))
        if deal.span != span:
            changes["first_delivery_year"], changes["last_delivery_year"] = span
        if sd.sipri_id is not None and deal.sipri_id is None:
            changes["sipri_id"] = sd.sipri_id
        snapshot = {**(deal.snapshot or {}), **values}
        if snapshot != deal.snapshot:
            changes["import_snapshot"] = snapshot
        touched = bool(changes)
        if final[DELIVERIES] != current[DELIVERIES]:
            self._diff_deliveries(deal.pk, deal.deliveries, final[DELIVERIES])
            touched = True
        touched = self._cite(sd, deal.pk) or touched
        if changes:
            self.deal_changes[deal.pk] = changes
        if touched:
            self.outcome.updated += 1
            self.touched.append(deal.pk)
        else:
            self.outcome.unchanged += 1

    def _diff_deliveries(self, deal_pk: int, stored: dict[int, tuple], rows: list[list]) -> None:
        wanted = {row[0]: row for row in rows}
        self.gone_deliveries.extend(pk for year, (pk, *_) in stored.items() if year not in wanted)
        for year, (_, *row) in wanted.items():
            if year in stored and list(stored[year][1:]) == row:
                continue
            year_estimate, quantity, quantity_estimate, tiv = row
            values = {
                "year_is_estimate": year_estimate,
                "quantity": quantity,
                "quantity_is_estimate": quantity_estimate,
                "tiv": None if tiv is None else Decimal(tiv),
            }
            if year not in stored:
                self.new_deliveries.append(
                    {"deal_id": deal_pk, "year": year, "created": self.now, "updated": self.now, **values}
                )
            else:
                self.delivery_changes[stored[year][0]] = values

    @staticmethod
    def _citation_values(sd: SipriDeal) -> dict:
        return {
            "quote": sd.quote,
            "locator": sd.locator[:200],
            "hedge": (Hedge.ESTIMATED if sd.estimate_marks else Hedge.ASSERTED).value,
            "hedge_text": sd.estimate_marks[0][:200] if sd.estimate_marks else "",
        }

    def _new_citation(self, sd: SipriDeal, deal_pk: int) -> None:
        self.new_citations.append(
            {
                "source_id": self.source.pk,
                "deal_id": deal_pk,
                "stance": Stance.SUPPORTS.value,
                "created": self.now,
                "updated": self.now,
                **self._citation_values(sd),
            }
        )

    def _cite(self, sd: SipriDeal, deal_pk: int) -> bool:
        values = self._citation_values(sd)
        citation = self.stored.citations.get(deal_pk)
        if citation is None:
            self._new_citation(sd, deal_pk)
            return True
        if list(citation[1:]) == list(values.values()):
            return False
        self.citation_changes[citation[0]] = values
        return True

    @property
    def written_deals(self) -> list[int]:
        """Ids of the deals this release created or changed: the ones whose matches may have changed."""
        return [*self.touched, *(row["id"] for row, _, _ in self.new_deals if "id" in row)]

    def write(self, progress) -> None:
        steps = 4
        create_rows(Deal, [row for row, _, _ in self.new_deals], change_reason=self.reason)
        for row, deliveries, sd in self.new_deals:
            self._diff_deliveries(row["id"], {}, deliveries)
            self._new_citation(sd, row["id"])
        progress("writing", 1, steps)
        self._apply(Deal, self.deal_changes)
        progress("writing", 2, steps)
        for start in range(0, len(self.gone_deliveries), BATCH):
            # Deleting through the ORM, not in raw SQL, so each removed delivery leaves a history entry.
            Delivery.objects.filter(pk__in=self.gone_deliveries[start : start + BATCH]).delete()
        create_rows(Delivery, self.new_deliveries, change_reason=self.reason)
        self._apply(Delivery, self.delivery_changes)
        progress("writing", 3, steps)
        create_rows(Citation, self.new_citations, change_reason=self.reason)
        self._apply(Citation, self.citation_changes)
        progress("writing", 4, steps)

    def _apply(self, model, changes: dict[int, dict]) -> None:
        """Update the changed rows, reading each whole so its history entry is complete."""
        pks = list(changes)
        for start in range(0, len(pks), BATCH):
            objs = list(model.objects.filter(pk__in=pks[start : start + BATCH]))
            fields = {"updated"}
            for obj in objs:
                for name, value in changes[obj.pk].items():
                    setattr(obj, name, value)
                fields.update(changes[obj.pk])
                obj.updated = self.now
            update_rows(model, objs, sorted(fields))
            record_history(model, objs, history_type="~", change_reason=self.reason)
