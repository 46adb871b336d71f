"""Writes to actors: the API and imports call these; the admin runs the same model validation."""
from django.db import transaction

from core.services import InvalidItems, unique_slug, validate_items, validated_save

from .models import Actor, ActorAlias

def _replace_aliases(actor: Actor, aliases: list[dict]) -> None:
    wanted = [ActorAlias(actor=actor, **alias) for alias in aliases]
    validate_items("aliases", wanted, exclude=["actor"])
    seen, errors = set(), []
    for alias in wanted:
        errors.append({"name": ["Listed twice."]} if alias.name.lower() in seen else {})
        seen.add(alias.name.lower())
    if any(errors):
        raise InvalidItems("aliases", errors)
    existing = {a.name.lower(): a for a in actor.aliases.all()}
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
def actor_create(*, aliases: list[dict] | None = None, successors: list[Actor] | None = None, **fields) -> Actor:
    actor = Actor(**fields)
    if not actor.slug:
        actor.slug = unique_slug(Actor, actor.name)
    validated_save(actor)
    if successors is not None:
        actor.successors.set(successors)
    if aliases:
        _replace_aliases(actor, aliases)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, aliases: list[dict] | None = None, successors: list[Actor] | None = None,
                 **fields) -> Actor:
    for name, value in fields.items():
        setattr(actor, name, value)
    validated_save(actor)
    if successors is not None:
        actor.successors.set(successors)
    if aliases is not None:
        _replace_aliases(actor, aliases)
    return actor
