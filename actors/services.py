"""Writes to actors: the API and imports call these; the admin runs the same model validation."""

from django.db import transaction

from core.services import replace_aliases, unique_slug, validated_save

from .models import Actor, ActorAlias


@transaction.atomic
def actor_create(*, aliases: list[dict] | None = None, successors: list[Actor] | None = None, **fields) -> Actor:
    actor = Actor(**fields)
    if not actor.slug:
        actor.slug = unique_slug(Actor, actor.name)
    validated_save(actor)
    if successors is not None:
        actor.successors.set(successors)
    if aliases:
        replace_aliases(actor, ActorAlias, "actor", aliases)
    return actor


@transaction.atomic
def actor_update(
    *, actor: Actor, aliases: list[dict] | None = None, successors: list[Actor] | None = None, **fields
) -> Actor:
    for name, value in fields.items():
        setattr(actor, name, value)
    validated_save(actor)
    if successors is not None:
        actor.successors.set(successors)
    if aliases is not None:
        replace_aliases(actor, ActorAlias, "actor", aliases)
    return actor
