"""Writes to sources; the model's validation keeps every quote already cited found in a new text."""

from django.db import transaction

from core.services import validated_save

from .models import Source


@transaction.atomic
def source_create(**fields) -> Source:
    return validated_save(Source(**fields))


@transaction.atomic
def source_update(*, source: Source, **fields) -> Source:
    for name, value in fields.items():
        setattr(source, name, value)
    return validated_save(source)
