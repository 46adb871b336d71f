"""Actors: states, organisations, companies, people and groups that supply, receive or make weapons."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from simple_history.models import HistoricalRecords

from core.models import SlugModel, TimestampedModel

from .choices import GROUP_KINDS, POLITY_KINDS, ActorKind, AliasKind


class Actor(SlugModel):
    name = models.CharField(max_length=200, help_text="Display name, e.g. `Serbia`, `IRGC`, `Mikoyan`.")
    kind = models.CharField(max_length=32, choices=ActorKind.choices, help_text="What sort of actor this is.")
    iso2 = models.CharField(
        max_length=2,
        null=True,
        blank=True,
        unique=True,
        help_text="ISO 3166-1 alpha-2 code (current states and territories; `XK` for Kosovo).",
    )
    iso3 = models.CharField(
        max_length=3,
        null=True,
        blank=True,
        unique=True,
        help_text="ISO 3166-1 alpha-3 code (current states and territories; `XKX` for Kosovo).",
    )
    iso_former = models.CharField(
        max_length=4,
        null=True,
        blank=True,
        unique=True,
        help_text="ISO 3166-3 code of a former state, e.g. `SUHH` for the Soviet Union.",
    )
    part_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="The actor this one belongs to: a force or body to its state, a company to its parent, "
        "a person to the state or body in which they hold office.",
    )
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text="States that succeeded this one, e.g. Russia for the Soviet Union.",
    )
    office = models.CharField(
        max_length=200, blank=True, help_text="For a person: the office held, e.g. `President of Serbia`."
    )
    valid_from = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="First year the actor existed in this form (states, organisations)."
    )
    valid_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last year the actor existed in this form; empty while it exists."
    )
    notes = models.TextField(blank=True, help_text="Curator's notes.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "name"], name="actor_kind_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso2__isnull=True, iso3__isnull=True, iso_former__isnull=True)
                | models.Q(kind__in=POLITY_KINDS),
                name="actor_iso_codes_only_for_polities",
                violation_error_message="Only states, historical states and territories carry ISO codes.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso2__isnull=True) | models.Q(iso2__regex=r"^[A-Z]{2}$"),
                name="actor_iso2_format",
                violation_error_message="An ISO alpha-2 code is two capital letters.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso3__isnull=True) | models.Q(iso3__regex=r"^[A-Z]{3}$"),
                name="actor_iso3_format",
                violation_error_message="An ISO alpha-3 code is three capital letters.",
            ),
            models.CheckConstraint(
                condition=models.Q(iso_former__isnull=True) | models.Q(iso_former__regex=r"^[A-Z]{4}$"),
                name="actor_iso_former_format",
                violation_error_message="An ISO 3166-3 code is four capital letters.",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_to")),
                name="actor_valid_from_not_after_valid_to",
                violation_error_message="An actor cannot end before it begins.",
            ),
            models.CheckConstraint(
                condition=~models.Q(part_of=models.F("id")),
                name="actor_not_part_of_itself",
                violation_error_message="An actor cannot be part of itself.",
            ),
        ]

    def __str__(self):
        if self.iso3:
            return f"{self.name} ({self.iso3})"
        if self.iso_former:
            return f"{self.name} ({self.iso_former})"
        return f"{self.name} [{self.get_kind_display().lower()}]"

    def clean(self):
        # Blank codes from forms mean "none": keep them NULL so the unique constraints allow many.
        for field in ("iso2", "iso3", "iso_former"):
            value = getattr(self, field)
            setattr(self, field, value.strip().upper() or None if value else None)


class ActorAliasManager(models.Manager):
    def get_by_natural_key(self, actor_slug, name):
        return self.get(actor__slug=actor_slug, name=name)


class ActorAlias(TimestampedModel):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases", help_text="The actor named.")
    name = models.CharField(max_length=200, help_text="The name as written, e.g. `Moscow` or `Russian Federation`.")
    kind = models.CharField(
        max_length=32, choices=AliasKind.choices, default=AliasKind.OTHER, help_text="How the name refers to the actor."
    )

    objects = ActorAliasManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "name", "id"]
        verbose_name_plural = "actor aliases"
        indexes = [models.Index(Lower("name"), name="actoralias_lower_name_idx")]
        constraints = [
            models.UniqueConstraint(
                "actor",
                Lower("name"),
                name="actoralias_unique_name_per_actor",
                violation_error_message="This actor already has that alias.",
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="actoralias_name_not_empty",
                violation_error_message="An alias needs a name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.actor.name} ({self.get_kind_display().lower()})"

    def natural_key(self):
        return (self.actor.slug, self.name)

    natural_key.dependencies = ["actors.actor"]


class MembershipManager(models.Manager):
    def get_by_natural_key(self, group_slug, member_slug, year_from):
        return self.get(group__slug=group_slug, member__slug=member_slug, year_from=year_from)


class Membership(TimestampedModel):
    """An actor's membership of a group (a SIPRI region, NATO, the EU) over a span of whole years.

    A state counts as a member in every year it was one on any day of: NATO's 2023 includes Finland (joined in
    April), the EU's 2020 includes the United Kingdom (left on 31 January). docs/groups.md has the rules."""

    group = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="The group, region or organisation, e.g. `nato` or `europe`.",
    )
    member = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="member_of", help_text="The member, e.g. `finland`."
    )
    year_from = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="First year of membership (the year it joined); empty: since the group began, or for regions.",
    )
    year_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last year of membership (the year it left); empty: still a member."
    )
    source = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The reference that lists this membership and its years.",
    )
    notes = models.TextField(blank=True, help_text="Curator's notes, e.g. a suspension that did not end membership.")

    objects = MembershipManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group_id", "member_id", "year_from", "id"]
        # The filters ask "was this actor a member of these groups": member first.
        indexes = [models.Index(fields=["member", "group", "year_from"], name="membership_member_group_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_from__isnull=True)
                | models.Q(year_to__isnull=True)
                | models.Q(year_from__lte=models.F("year_to")),
                name="membership_year_from_not_after_year_to",
                violation_error_message="A membership cannot end before it begins.",
            ),
            models.CheckConstraint(
                condition=~models.Q(group=models.F("member")),
                name="membership_not_own_member",
                violation_error_message="A group cannot be its own member.",
            ),
            # An unknown start counts as one value, so the same open-start membership cannot be entered twice.
            models.UniqueConstraint(
                "group",
                "member",
                Coalesce("year_from", 0),
                name="membership_unique_start",
                violation_error_message="This actor already has a membership of this group starting that year.",
            ),
        ]

    def __str__(self):
        years = f"{self.year_from or '…'}–{self.year_to or ''}" if self.year_from or self.year_to else "always"
        return f"{self.member.name} in {self.group.name} ({years})"

    def natural_key(self):
        return (self.group.slug, self.member.slug, self.year_from)

    natural_key.dependencies = ["actors.actor", "sources.source"]

    def clean(self):
        errors = {}
        group = getattr(self, "group", None)
        if group is not None and group.kind not in GROUP_KINDS:
            kinds = " or ".join(str(ActorKind(k).label).lower() for k in GROUP_KINDS)
            errors["group"] = f"Only a {kinds} has members; {group.name} is a {group.get_kind_display().lower()}."
        if self.group_id and self.member_id and not errors:
            # Two spans of the same membership must not overlap, or a year would be counted twice; the database
            # constraint only stops two spans with the same start.
            overlapping = Membership.objects.filter(group_id=self.group_id, member_id=self.member_id)
            if self.year_to is not None:
                overlapping = overlapping.filter(
                    models.Q(year_from__isnull=True) | models.Q(year_from__lte=self.year_to)
                )
            if self.year_from is not None:
                overlapping = overlapping.filter(models.Q(year_to__isnull=True) | models.Q(year_to__gte=self.year_from))
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            other = overlapping.first()
            if other is not None:
                errors["year_from"] = f"These years overlap another membership of the same group: {other}."
        if errors:
            raise ValidationError(errors)
