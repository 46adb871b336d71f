"""Intake: an article read into proposed deals, and what curators decided about each proposal."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import TimestampedModel


class Decision(models.TextChoices):
    OPEN = "open", "Awaiting review"
    ACCEPTED = "accepted", "Accepted"
    MERGED = "merged", "Merged into another deal"
    REJECTED = "rejected", "Rejected"


class Intake(TimestampedModel):
    """One article read: its source, and the digest of its text so the same text posted again is recognised."""

    source = models.OneToOneField(
        "sources.Source", on_delete=models.PROTECT, related_name="intake", help_text="The article, as stored."
    )
    text_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the article's text with whitespace collapsed: the same text is one intake."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The curator who posted it.",
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["text_digest"],
                name="intake_unique_text",
                violation_error_message="This text has already been read.",
            )
        ]

    def __str__(self):
        return f"Intake of “{self.source.title}”"


class Proposal(TimestampedModel):
    """A deal the reader found in the article: the draft it saved, the mentions as written with their ranked
    candidates, where the quote sits, how sure the reader is, and the curator's decision."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="proposals", help_text="The reading.")
    position = models.PositiveSmallIntegerField(help_text="Order of the proposal in the article.")
    deal = models.ForeignKey(
        "deals.Deal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        help_text="The draft deal proposed (empty once rejected or merged away).",
    )
    supplier_text = models.CharField(max_length=200, blank=True, help_text="The supplier as the article names it.")
    recipient_text = models.CharField(max_length=200, blank=True, help_text="The recipient as the article names it.")
    system_text = models.CharField(max_length=300, blank=True, help_text="The weapon as the article names it.")
    candidates = models.JSONField(
        default=dict,
        blank=True,
        help_text="Ranked registry records each mention may mean: `supplier`, `recipient`, `system`, each a list of "
        "`{id, slug, name, score}`.",
    )
    new_system = models.ForeignKey(
        "systems.System",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A system the reader added because the registry lacked it; removed again if the proposal is "
        "rejected and nothing else uses it.",
    )
    year_text = models.CharField(max_length=100, blank=True, help_text="The year or date as written.")
    start = models.PositiveIntegerField(help_text="Offset of the quote's first character in the article's text.")
    end = models.PositiveIntegerField(help_text="Offset just past the quote's last character.")
    confidence = models.FloatField(help_text="How sure the reader is, 0 to 1.")
    cue = models.CharField(max_length=200, blank=True, help_text="The words that gave the stage.")
    decision = models.CharField(
        max_length=16, choices=Decision.choices, default=Decision.OPEN, help_text="What a curator decided."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The curator who decided.",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was decided.")
    merged_into = models.ForeignKey(
        "deals.Deal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The deal the proposal was merged into.",
    )
    summary = models.CharField(
        max_length=500, blank=True, help_text="The proposal in one line, kept when its draft is rejected."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "position"]
        indexes = [models.Index(fields=["decision", "intake"], name="proposal_decision_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "position"],
                name="proposal_unique_position",
                violation_error_message="Two proposals of one intake cannot share a position.",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0, confidence__lte=1),
                name="proposal_confidence_in_range",
                violation_error_message="Confidence lies between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(start__lte=models.F("end")),
                name="proposal_quote_span_ordered",
                violation_error_message="A quote cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.summary or f"Proposal {self.position} of {self.intake}"
