"""Deals: one record per supplier, recipient and system, with its stage, quantities, years and deliveries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import TimestampedModel, UidManager, UidModel

from .choices import Condition, DatePrecision, DealKind, DealStatus, MatchRelation, ReviewStatus

MIN_YEAR = 1900
MAX_YEAR = 2100


def year_range_check(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__range": (MIN_YEAR, MAX_YEAR)}),
        name=name,
        violation_error_message=f"Years lie between {MIN_YEAR} and {MAX_YEAR}.",
    )


def can_see_drafts(user) -> bool:
    return bool(user and user.has_perm("deals.view_deal"))


def public_deal(path: str = "") -> models.Q:
    """What a deal must be for callers who cannot see drafts to see it, stated once. `path` reaches the deal from
    another record (`deal__`); the same condition also reads a version of a deal in its history table."""
    return models.Q(**{f"{path}review_status": ReviewStatus.REVIEWED})


class DealQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DealQuerySet":
        """Anonymous and unprivileged callers see reviewed deals only; curators see drafts too. A queryset method,
        so records that list deals (an actor's, through `deals_supplied`) apply the rule without importing deals."""
        return self if can_see_drafts(user) else self.filter(public_deal())


class Deal(UidModel):
    supplier = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="deals_supplied",
        help_text="Who supplies, or would supply, the weapons.",
    )
    recipient = models.ForeignKey(
        "actors.Actor",
        on_delete=models.PROTECT,
        related_name="deals_received",
        help_text="Who receives, or would receive, the weapons.",
    )
    system = models.ForeignKey(
        "systems.System",
        on_delete=models.PROTECT,
        related_name="deals",
        help_text="The weapon system; a generic entry where the source names no designation.",
    )
    kind = models.CharField(max_length=32, choices=DealKind.choices, help_text="What kind of transfer this is.")
    status = models.CharField(max_length=32, choices=DealStatus.choices, help_text="How far the deal got.")
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Year of the order or agreement (or of the stated interest or offer); empty when unknown.",
    )
    year_is_estimate = models.BooleanField(default=False, help_text="The year is an estimate (SIPRI's `?`).")
    date = models.DateField(
        null=True, blank=True, help_text="A finer date of the order or agreement, where known; see `date_precision`."
    )
    date_precision = models.CharField(
        max_length=8,
        choices=DatePrecision.choices,
        blank=True,
        help_text="How much of `date` is known: `month` (the day is not) or `day`.",
    )
    quantity_ordered = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number ordered or agreed; empty when unknown (never zero for unknown)."
    )
    quantity_ordered_is_estimate = models.BooleanField(default=False, help_text="The number ordered is an estimate.")
    quantity_delivered = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number delivered so far; empty when unknown."
    )
    quantity_delivered_is_estimate = models.BooleanField(
        default=False, help_text="The number delivered is an estimate."
    )
    quantity_text = models.CharField(
        max_length=100, blank=True, help_text="The quantity as the source words it, e.g. `several`."
    )
    first_delivery_year = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="Earliest delivery year (kept from the deliveries)."
    )
    last_delivery_year = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="Latest delivery year (kept from the deliveries)."
    )
    condition = models.CharField(
        max_length=32,
        choices=Condition.choices,
        default=Condition.UNKNOWN,
        help_text="New or second-hand (SIPRI's status column).",
    )
    value = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="Stated monetary value of the deal."
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 currency of `value`, e.g. `USD`.")
    notes = models.TextField(blank=True, help_text="Curator's notes: how the record was read from its sources.")
    review_status = models.CharField(
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        help_text="Draft records stay out of public reads until a curator reviews them.",
    )
    sipri_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="SIPRI Arms Transfers Database deal id, where the export gives one.",
    )
    tiv_per_unit = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="SIPRI trend-indicator value (TIV) per unit, in millions: a volume index, never money.",
    )
    tiv_total = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="SIPRI trend-indicator value (TIV) of the whole order, in millions: a volume index, never money.",
    )
    tiv_delivered = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="SIPRI trend-indicator value (TIV) of the weapons delivered, in millions: "
        "a volume index, never money.",
    )
    locked_fields = models.JSONField(
        default=list,
        blank=True,
        help_text='Names of fields a curator has locked against re-imports, e.g. `["notes", "kind"]`; '
        "`deliveries` locks the delivery rows.",
    )
    import_snapshot = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The values the last SIPRI import wrote; a field whose value differs has been edited by a "
        "curator, and a re-import keeps it.",
    )

    objects = UidManager.from_queryset(DealQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["recipient", "year", "id"], name="deal_recipient_year_idx"),
            models.Index(fields=["supplier", "year", "id"], name="deal_supplier_year_idx"),
            models.Index(fields=["system", "year"], name="deal_system_year_idx"),
            # Matching reads a recipient's deals of a few systems, and which systems a recipient has: without it,
            # every deal of the recipient (50,000 rows at a million deals; deals.matching).
            models.Index(fields=["recipient", "system"], name="deal_recipient_system_idx"),
            models.Index(fields=["year", "id"], name="deal_year_idx"),
            models.Index(fields=["kind", "year"], name="deal_kind_year_idx"),
            models.Index(fields=["status", "year"], name="deal_status_year_idx"),
            models.Index(fields=["review_status"], name="deal_review_status_idx"),
            # Public reads always filter on reviewed deals: with the condition in the index, counting a party's
            # deals is an index-only scan instead of a visit to every matching row (190 ms to 25 ms for the
            # largest supplier at one million deals; docs/performance.md).
            models.Index(
                fields=["supplier", "year", "id"],
                name="deal_reviewed_supplier_idx",
                condition=models.Q(review_status="reviewed"),
            ),
            models.Index(
                fields=["recipient", "year", "id"],
                name="deal_reviewed_recipient_idx",
                condition=models.Q(review_status="reviewed"),
            ),
        ]
        constraints = [
            year_range_check("year", "deal_year_in_range"),
            year_range_check("first_delivery_year", "deal_first_delivery_year_in_range"),
            models.CheckConstraint(
                condition=models.Q(year__isnull=True)
                | models.Q(first_delivery_year__isnull=True)
                | models.Q(first_delivery_year__gte=models.F("year")),
                name="deal_no_delivery_before_order_year",
                violation_error_message="A delivery cannot come before the order year.",
            ),
            models.CheckConstraint(
                condition=models.Q(first_delivery_year__isnull=True, last_delivery_year__isnull=True)
                | models.Q(last_delivery_year__gte=models.F("first_delivery_year")),
                name="deal_delivery_span_ordered",
                violation_error_message="The last delivery year cannot come before the first.",
            ),
            models.CheckConstraint(
                condition=models.Q(date__isnull=True, date_precision="")
                | models.Q(date__isnull=False) & ~models.Q(date_precision=""),
                name="deal_date_has_precision",
                violation_error_message="A date needs its precision (month or day), and a precision needs a date.",
            ),
            models.CheckConstraint(
                condition=models.Q(date__isnull=True) | models.Q(year__isnull=False),
                name="deal_date_needs_year",
                violation_error_message="A deal with a date needs its year too.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True, currency="")
                | models.Q(value__isnull=False, value__gte=0) & ~models.Q(currency=""),
                name="deal_value_with_currency",
                violation_error_message="A value must be non-negative and come with its currency.",
            ),
            models.CheckConstraint(
                condition=(models.Q(tiv_per_unit__isnull=True) | models.Q(tiv_per_unit__gte=0))
                & (models.Q(tiv_total__isnull=True) | models.Q(tiv_total__gte=0))
                & (models.Q(tiv_delivered__isnull=True) | models.Q(tiv_delivered__gte=0)),
                name="deal_tiv_not_negative",
                violation_error_message="SIPRI trend-indicator values cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("recipient")),
                name="deal_supplier_not_recipient",
                violation_error_message="Supplier and recipient must differ.",
            ),
        ]

    def __str__(self):
        year = f"{self.year}{'?' if self.year_is_estimate else ''}" if self.year else "year unknown"
        return f"{self.supplier.name} → {self.recipient.name}: {self.system.label}, {year} ({self.get_status_display().lower()})"

    def clean(self):
        if self.date and self.year and self.date.year != self.year:
            raise ValidationError({"date": f"The date {self.date} lies outside the deal's year {self.year}."})
        if self.date and self.date_precision == DatePrecision.MONTH and self.date.day != 1:
            raise ValidationError({"date": "A date known to the month is stored as the first of that month."})
        if self.currency:
            self.currency = self.currency.upper()
        lockable = {f.name for f in self._meta.concrete_fields if f.editable} | {"deliveries"}
        if not isinstance(self.locked_fields, list) or not all(
            isinstance(name, str) and name in lockable for name in self.locked_fields
        ):
            raise ValidationError(
                {
                    "locked_fields": [
                        f"A list of field names to keep from re-imports, from: {', '.join(sorted(lockable))}."
                    ]
                }
            )

    @property
    def delivery_years(self) -> list[int]:
        return [d.year for d in self.deliveries.all()]


# What a delivery row says of its year, after the year itself: the one list the API, the admin and writes share.
DELIVERY_VALUES = ["year_is_estimate", "quantity", "quantity_is_estimate", "tiv"]


class DeliveryManager(models.Manager):
    def get_by_natural_key(self, deal_uid, year):
        return self.get(deal__uid=deal_uid, year=year)


class Delivery(TimestampedModel):
    """Deliveries of one deal in one year, as SIPRI records them."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="deliveries", help_text="The deal.")
    year = models.PositiveSmallIntegerField(help_text="Year of delivery.")
    year_is_estimate = models.BooleanField(default=False, help_text="The delivery year is an estimate.")
    quantity = models.PositiveIntegerField(null=True, blank=True, help_text="Number delivered that year, if known.")
    quantity_is_estimate = models.BooleanField(default=False, help_text="The number is an estimate.")
    tiv = models.DecimalField(
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="SIPRI trend-indicator value (TIV) delivered that year, in millions; empty where the deal's "
        "delivered TIV is not known year by year (the statistics count it as unallocated).",
    )

    objects = DeliveryManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "year"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["year", "deal"], name="delivery_year_deal_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "year"],
                name="delivery_one_row_per_deal_year",
                violation_error_message="This deal already has a delivery in that year.",
            ),
            year_range_check("year", "delivery_year_in_range"),
            models.CheckConstraint(
                condition=models.Q(tiv__isnull=True) | models.Q(tiv__gte=0),
                name="delivery_tiv_not_negative",
                violation_error_message="SIPRI trend-indicator values cannot be negative.",
            ),
        ]

    def __str__(self):
        count = (
            f"{self.quantity}{'?' if self.quantity_is_estimate else ''}"
            if self.quantity is not None
            else "unknown number"
        )
        return f"{self.year}: {count}"

    def natural_key(self):
        return (*self.deal.natural_key(), self.year)

    natural_key.dependencies = ["deals.deal"]

    def clean(self):
        deal = getattr(self, "deal", None)  # an inline form may validate before its deal exists
        if deal is not None and deal.year and self.year is not None and self.year < deal.year:
            raise ValidationError({"year": f"A delivery in {self.year} cannot come before the order year {deal.year}."})


class DealMatch(models.Model):
    """A deal another source seems to record too: derived by deals/matching.py, stored once in each direction so
    a deal's matches are one indexed read. Recomputed, never edited, so it keeps no history."""

    # Indexed by the pair's unique constraint and by dealmatch_deal_idx, which both lead with the deal.
    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="matches", db_index=False, help_text="The deal."
    )
    other = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="+", help_text="The deal from another source it matches."
    )
    relation = models.CharField(
        max_length=16,
        choices=MatchRelation.choices,
        help_text="`same_transfer`: same parties, system family and years; `contradicts`: same recipient, system "
        "family and years, another supplier.",
    )
    reason = models.TextField(help_text="Why the two deals match, in a sentence.")
    created = models.DateTimeField(default=timezone.now, editable=False, help_text="When the match was found.")

    class Meta:
        ordering = ["deal", "other"]
        verbose_name_plural = "deal matches"
        indexes = [models.Index(fields=["deal", "relation"], name="dealmatch_deal_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "other"],
                name="dealmatch_one_row_per_pair",
                violation_error_message="These two deals are already matched.",
            ),
            models.CheckConstraint(
                condition=~models.Q(deal=models.F("other")),
                name="dealmatch_not_itself",
                violation_error_message="A deal does not match itself.",
            ),
        ]

    def __str__(self):
        return f"Deal {self.deal_id} ~ deal {self.other_id}: {self.get_relation_display().lower()}"


class DealMerge(models.Model):
    """A deal merged into another by a curator: what it was, so its history and its figures stay findable after
    the row itself is gone."""

    merged_id = models.PositiveIntegerField(db_index=True, help_text="Id of the deal merged away (now deleted).")
    merged_uid = models.UUIDField(help_text="Stable identifier of the deal merged away.")
    into = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="merges", help_text="The deal it was merged into, which stays."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The curator who merged; empty for scripts.",
    )
    created = models.DateTimeField(default=timezone.now, editable=False, help_text="When the merge happened.")
    snapshot = models.JSONField(help_text="The merged deal's fields, deliveries and citations as they were.")

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged_id"], name="dealmerge_merged_once", violation_error_message="Merged already."
            )
        ]

    def __str__(self):
        return f"Deal {self.merged_id} merged into deal {self.into_id}"
