"""Writes to weapon systems: the API and imports call these; the admin runs the same model validation."""
from django.db import transaction

from core.services import InvalidItems, unique_slug, validate_items, validated_save

from .models import System, SystemAlias


def _replace_aliases(system: System, aliases: list[dict]) -> None:
    wanted = [SystemAlias(system=system, **alias) for alias in aliases]
    validate_items("aliases", wanted, exclude=["system"])
    seen, errors = set(), []
    for alias in wanted:
        errors.append({"name": ["Listed twice."]} if alias.name.lower() in seen else {})
        seen.add(alias.name.lower())
    if any(errors):
        raise InvalidItems("aliases", errors)
    existing = {a.name.lower(): a for a in system.aliases.all()}
    for alias in wanted:
        current = existing.pop(alias.name.lower(), None)
        if current is None:
            alias.save()
        elif (current.name, current.kind) != (alias.name, alias.kind):
            current.name, current.kind = alias.name, alias.kind
            current.save()
    for stale in existing.values():
        stale.delete()


@transaction.atomic
def system_create(*, aliases: list[dict] | None = None, **fields) -> System:
    system = System(**fields)
    if not system.slug:
        system.slug = unique_slug(System, system.designation or system.name)
    validated_save(system)
    if aliases:
        _replace_aliases(system, aliases)
    return system


@transaction.atomic
def system_update(*, system: System, aliases: list[dict] | None = None, **fields) -> System:
    for name, value in fields.items():
        setattr(system, name, value)
    validated_save(system)
    if aliases is not None:
        _replace_aliases(system, aliases)
    return system
