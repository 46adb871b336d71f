"""Weapon systems: designations, SIPRI armament categories, producers, variants and aliases."""

from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from core.choices import ReviewStatus
from core.models import SlugManager, SlugModel, TimestampedModel, reads

from .choices import SystemAliasKind


class Category(SlugModel):
    """One of SIPRI's armament categories, e.g. aircraft or air-defence systems."""

    name = models.CharField(max_length=100, unique=True, help_text="Category name as SIPRI writes it.")
    description = models.TextField(blank=True, help_text="What SIPRI counts in this category.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


def can_see_draft_systems(user) -> bool:
    return bool(user and user.has_perm("systems.view_system"))


class SystemQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SystemQuerySet":
        """Systems intake proposed stay drafts, seen by curators only, until a curator accepts a deal of theirs."""
        return self if can_see_draft_systems(user) else self.filter(review_status=ReviewStatus.REVIEWED)


class System(SlugModel):
    designation = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="Designation, e.g. `MiG-29` or `Pantsir-S1`; empty for a generic entry.",
    )
    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="A name that reads well alone, e.g. `anti-aircraft missiles` for a generic entry.",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="Finer type, as SIPRI writes it, e.g. `combat helicopter`, `armed UAV`."
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="systems", help_text="SIPRI armament category."
    )
    producer = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="produced_systems",
        help_text="Designer or maker, e.g. Mikoyan. Not necessarily a supplier.",
    )
    origin = models.ForeignKey(
        "actors.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originated_systems",
        help_text="State the system comes from.",
    )
    variant_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="variants",
        help_text="The base system this is a variant of, e.g. T-72 for T-72MS.",
    )
    is_generic = models.BooleanField(
        default=False, help_text="A placeholder for kit a source names without a designation."
    )
    notes = models.TextField(blank=True, help_text="Curator's notes.")
    review_status = models.CharField(
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.REVIEWED,
        help_text="A system intake proposed is a draft, out of public reads, until a curator accepts a deal of it.",
    )

    objects = SlugManager.from_queryset(SystemQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["designation", "name", "id"]
        indexes = [models.Index(fields=["category", "designation"], name="system_category_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_generic=True, designation="")
                | models.Q(is_generic=False) & ~models.Q(designation=""),
                name="system_designation_unless_generic",
                violation_error_message="A named system needs a designation; a generic entry has none.",
            ),
            models.CheckConstraint(
                condition=~models.Q(designation="") | ~models.Q(name=""),
                name="system_has_designation_or_name",
                violation_error_message="A system needs a designation or a name.",
            ),
            models.CheckConstraint(
                condition=~models.Q(variant_of=models.F("id")),
                name="system_not_variant_of_itself",
                violation_error_message="A system cannot be a variant of itself.",
            ),
        ]

    def __str__(self):
        if self.is_generic:
            return f"{self.name} (generic)"
        return f"{self.designation} ({self.description})" if self.description else self.designation

    @property
    @reads("designation", "name")
    def label(self):
        return self.designation or self.name


class SystemAliasManager(models.Manager):
    def get_by_natural_key(self, system_slug, name):
        return self.get(system__slug=system_slug, name=name)


class SystemAlias(TimestampedModel):
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="aliases", help_text="The system named.")
    name = models.CharField(max_length=200, help_text="The name as written, e.g. `96K9 Pantsyr-S1`.")
    kind = models.CharField(
        max_length=32,
        choices=SystemAliasKind.choices,
        default=SystemAliasKind.OTHER,
        help_text="How the name refers to the system.",
    )

    objects = SystemAliasManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["system", "name", "id"]
        verbose_name_plural = "system aliases"
        indexes = [models.Index(Lower("name"), name="systemalias_lower_name_idx")]
        constraints = [
            models.UniqueConstraint(
                "system",
                Lower("name"),
                name="systemalias_unique_name_per_system",
                violation_error_message="This system already has that alias.",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="systemalias_name_not_empty",
                violation_error_message="An alias needs a name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.system.label}"

    def natural_key(self):
        return (self.system.slug, self.name)

    natural_key.dependencies = ["systems.system"]
