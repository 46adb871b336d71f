"""Sources (news articles and dataset releases) and citations: the verbatim evidence behind every record."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import UidModel
from core.text import quote_in_text

from .choices import Hedge, SourceKind, Stance

QUOTE_MAX_LENGTH = 10_000


class Source(UidModel):
    kind = models.CharField(max_length=16, choices=SourceKind.choices, help_text="A news article or a dataset release.")
    title = models.CharField(max_length=500, help_text="Headline of the article, or the dataset's name and release.")
    subtitle = models.CharField(max_length=1000, blank=True, help_text="Sub-headline or standfirst, as printed.")
    url = models.URLField(max_length=1000, blank=True, help_text="Where the source can be read.")
    publisher = models.CharField(max_length=200, blank=True, db_index=True, help_text="Outlet or institution.")
    authors = models.CharField(max_length=500, blank=True, help_text="Byline as printed.")
    published_on = models.DateField(
        null=True, blank=True, help_text="Publication date; for a dataset, the date its data was generated."
    )
    retrieved_on = models.DateField(null=True, blank=True, help_text="When we retrieved the source.")
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47 language tag, e.g. `en`.")
    photo_credit = models.CharField(max_length=300, blank=True, help_text="Photo credit as printed (not evidence).")
    photo_caption = models.CharField(max_length=1000, blank=True, help_text="Photo caption as printed.")
    scope = models.CharField(
        max_length=300, blank=True, help_text="For a dataset: what the release covers, e.g. `deliveries 1950-2025`."
    )
    text = models.TextField(blank=True, help_text="Full text, where stored; citation quotes must be found in it.")
    notes = models.TextField(
        blank=True, help_text="Curator's notes, including statements deliberately not recorded and why."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "id"]
        indexes = [models.Index(fields=["published_on", "id"], name="source_published_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=models.Q(kind=SourceKind.ARTICLE) & ~models.Q(url=""),
                name="source_unique_article_url",
                violation_error_message="Another article already has this URL.",
            ),
            models.CheckConstraint(
                condition=models.Q(published_on__isnull=True)
                | models.Q(retrieved_on__isnull=True)
                | models.Q(retrieved_on__gte=models.F("published_on")),
                name="source_retrieved_after_published",
                violation_error_message="A source cannot be retrieved before it was published.",
            ),
            models.CheckConstraint(
                condition=~models.Q(title=""),
                name="source_title_not_empty",
                violation_error_message="A source needs a title.",
            ),
        ]

    def __str__(self):
        where = ", ".join(filter(None, [self.publisher, self.published_on and self.published_on.isoformat()]))
        return f"{self.title} ({where})" if where else self.title

    def clean(self):
        # New text must still contain every quote already cited from this source.
        if self.pk and self.text:
            orphaned = [c.pk for c in self.citations.only("pk", "quote") if not quote_in_text(c.quote, self.text)]
            if orphaned:
                raise ValidationError(
                    {
                        "text": [
                            f"This text no longer contains the quotes of citation(s) {', '.join(map(str, orphaned[:20]))}; "
                            "fix or delete those citations first."
                        ]
                    }
                )


class Citation(UidModel):
    """A verbatim quote from a source, for or against one record: a deal, an actor or a system."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", help_text="The source quoted."
    )
    deal = models.ForeignKey(
        "deals.Deal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The deal this quote is evidence for.",
    )
    actor = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The actor fact this quote is evidence for.",
    )
    system = models.ForeignKey(
        "systems.System",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="The system fact this quote is evidence for.",
    )
    quote = models.TextField(
        validators=[MaxLengthValidator(QUOTE_MAX_LENGTH)],
        help_text=f"The source's words, verbatim; for a dataset, the row as published (at most {QUOTE_MAX_LENGTH:,} "
        "characters: quote the passage, not the document).",
    )
    locator = models.CharField(
        max_length=200, blank=True, help_text="Where in the source: a paragraph, a row number or a SIPRI deal id."
    )
    stance = models.CharField(
        max_length=16,
        choices=Stance.choices,
        default=Stance.SUPPORTS,
        help_text="Whether the quote supports or contradicts the record.",
    )
    hedge = models.CharField(
        max_length=16, choices=Hedge.choices, default=Hedge.ASSERTED, help_text="How firmly the source says it."
    )
    hedge_text = models.CharField(
        max_length=200, blank=True, help_text="The hedging words as written, e.g. `would be willing`."
    )
    note = models.TextField(blank=True, help_text="Curator's note on how the quote bears on the record.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deal__isnull=False, actor__isnull=True, system__isnull=True)
                | models.Q(deal__isnull=True, actor__isnull=False, system__isnull=True)
                | models.Q(deal__isnull=True, actor__isnull=True, system__isnull=False),
                name="citation_exactly_one_target",
                violation_error_message="A citation supports exactly one record: a deal, an actor or a system.",
            ),
            models.CheckConstraint(
                condition=~models.Q(quote=""),
                name="citation_quote_not_empty",
                violation_error_message="A citation needs the quote.",
            ),
        ]

    def __str__(self):
        quote = self.quote if len(self.quote) <= 80 else self.quote[:77] + "..."
        return f"“{quote}” ({self.source.title})"

    @property
    def target(self):
        return self.deal or self.actor or self.system

    def clean(self):
        source = getattr(self, "source", None)
        if source is not None and source.text and self.quote and not quote_in_text(self.quote, source.text):
            raise ValidationError({"quote": f"This quote is not found in the stored text of “{source.title}”."})
