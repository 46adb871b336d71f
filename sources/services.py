"""Writes to sources and citations; every path checks quotes against the stored text."""
from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import validated_save
from core.text import quote_in_text

from .models import Citation, Source


@transaction.atomic
def source_create(**fields) -> Source:
    return validated_save(Source(**fields))


@transaction.atomic
def source_update(*, source: Source, **fields) -> Source:
    for name, value in fields.items():
        setattr(source, name, value)
    if "text" in fields and source.text:
        orphaned = [c.pk for c in source.citations.all() if not quote_in_text(c.quote, source.text)]
        if orphaned:
            raise ValidationError({"text": [
                f"The new text drops the quotes of citation(s) {', '.join(map(str, orphaned[:20]))}; "
                "fix or delete those citations first."
            ]})
    return validated_save(source)


@transaction.atomic
def citation_create(**fields) -> Citation:
    return validated_save(Citation(**fields))


@transaction.atomic
def citation_update(*, citation: Citation, **fields) -> Citation:
    for name, value in fields.items():
        setattr(citation, name, value)
    return validated_save(citation)
