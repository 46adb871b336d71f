"""Abstract bases shared by every Dealgraph model."""

import logging
import uuid
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils import timezone

logger = logging.getLogger(__name__)


def reads(*field_names):
    """Declares the fields a property reads, so a representation built from rows (core/api/representations/)
    can compute it from those columns alone instead of making the whole model."""

    def declare(function):
        function.reads = field_names
        return function

    return declare


class TimestampedModel(models.Model):
    # Defaults rather than auto_now_add, so fixtures can carry fixed times and reload unchanged.
    created = models.DateTimeField(default=timezone.now, editable=False, help_text="When the record was created.")
    updated = models.DateTimeField(default=timezone.now, editable=False, help_text="When the record last changed.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.updated = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "updated"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """Django asks the database whether each foreign key's row exists. A key set from a record this process
        read or saved is known to exist (the database's own constraint still refuses it if it goes meanwhile, as
        it would after Django's check), so only keys given as bare ids are asked about: an intake's thirty-one
        deals and citations make 158 fewer queries (docs/performance.md)."""
        known = {
            field.name
            for field in self._meta.concrete_fields
            if field.many_to_one and not field.remote_field.limit_choices_to and self._holds_saved(field)
        }
        super().clean_fields(exclude=[*(exclude or ()), *known])

    def _holds_saved(self, field) -> bool:
        if not field.is_cached(self):
            return False
        target = field.get_cached_value(self)
        return (
            target is not None
            and not target._state.adding
            and getattr(target, field.target_field.attname) == getattr(self, field.attname)
        )

    def validate_constraints(self, exclude=None):
        """Django asks the database about each check constraint in a statement of its own, inside a savepoint of
        its own: three statements a constraint, twenty-seven for a deal. Here one statement answers every check
        constraint of the record, with the same messages; unique constraints are checked as Django checks them.
        (An article's intake writes thirty-odd deals: 0.96 s to 0.6 s at a million deals on PostgreSQL.)"""
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        checks = []
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, CheckConstraint):
                    checks.append((model_class, constraint))
                    continue
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        for constraint in self._failed_checks(checks, exclude, using):
            error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _failed_checks(self, checks, exclude, using) -> list:
        if not checks:
            return []
        # Only the fields the conditions read, not every field's value resolved into the query: a deal's
        # conditions read 12 of its 31, and checking its constraints takes 1.06 ms instead of 1.27 ms on SQLite.
        read: set[str] | None = set()  # None: a condition that is not a Q, which may read any field
        for _, constraint in checks:
            if not isinstance(constraint.condition, Q):
                read = None
                break
            read |= constraint.condition.referenced_base_fields
        query = Query(None)
        for name, value in self._get_field_expression_map(meta=self._meta, exclude=exclude).items():
            if read is None or name in read:
                query.add_annotation(
                    value if hasattr(value, "resolve_expression") else Value(value), name, select=False
                )
        asked = []
        for _, constraint in checks:
            holds = Coalesce(ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()), Value(True))
            try:
                query.add_annotation(holds, f"check_{len(asked)}")
            except FieldError:
                continue  # a field it reads is excluded from this validation, as Django skips it
            asked.append(constraint)
        if not asked:
            return []
        connection = connections[using]
        try:
            with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
                row = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError as error:
            logger.warning("Could not check constraints of %r: %s", self, error)
            return []
        return [constraint for constraint, holds in zip(asked, row or (), strict=False) if not holds]


class UidManager(models.Manager):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)


class UidModel(TimestampedModel):
    """A record with no natural name: its stable public key is a UUID, which fixtures and imports use."""

    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Stable identifier across databases and fixtures."
    )

    objects = UidManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (str(self.uid),)


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SlugModel(TimestampedModel):
    """A user-facing entity addressed by slug in URLs, fixtures and filters."""

    slug = models.SlugField(max_length=120, unique=True, help_text="URL-safe unique name, e.g. `serbia`.")

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)
