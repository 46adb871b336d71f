"""Writes to sources and citations; the models' validation checks quotes against the stored text."""
from django.db import transaction

from core.services import validated_save

from .models import Citation, Source


@transaction.atomic
def source_create(**fields) -> Source:
    return validated_save(Source(**fields))


@transaction.atomic
def source_update(*, source: Source, **fields) -> Source:
    for name, value in fields.items():
        setattr(source, name, value)
    return validated_save(source)


@transaction.atomic
def citation_create(**fields) -> Citation:
    return validated_save(Citation(**fields))


@transaction.atomic
def citation_update(*, citation: Citation, **fields) -> Citation:
    for name, value in fields.items():
        setattr(citation, name, value)
    return validated_save(citation)
