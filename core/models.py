"""Abstract bases shared by every Dealgraph model."""

import uuid

from django.db import models
from django.utils import timezone


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
