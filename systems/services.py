"""Writes to weapon systems: the API and imports call these; the admin runs the same model validation."""

from django.db import transaction

from core.services import replace_aliases, unique_slug, validated_save

from .models import System, SystemAlias


@transaction.atomic
def system_create(*, aliases: list[dict] | None = None, **fields) -> System:
    system = System(**fields)
    if not system.slug:
        system.slug = unique_slug(System, system.designation or system.name)
    validated_save(system)
    if aliases:
        replace_aliases(system, SystemAlias, "system", aliases)
    return system


@transaction.atomic
def system_update(*, system: System, aliases: list[dict] | None = None, **fields) -> System:
    for name, value in fields.items():
        setattr(system, name, value)
    validated_save(system)
    if aliases is not None:
        replace_aliases(system, SystemAlias, "system", aliases)
    return system
