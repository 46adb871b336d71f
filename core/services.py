"""Write helpers shared by every app's services: validation that names the failing item, and safe deletes."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.text import slugify


class InvalidItems(Exception):
    """Some items of a nested list failed validation; `errors` has one dict per item (empty where it passed)."""

    def __init__(self, field: str, errors: list[dict]):
        super().__init__(field)
        self.field, self.errors = field, errors


class InUse(Exception):
    """A record other records still depend on; deleting it would orphan them."""

    def __init__(self, record: models.Model, dependants: Sequence[models.Model]):
        super().__init__(str(record))
        self.record, self.dependants = record, list(dependants)


class Conflict(Exception):
    """A write lost a race: the database refused what validation had just allowed."""


def validated_save(instance: models.Model, **save_kwargs) -> models.Model:
    instance.full_clean()
    try:
        # A savepoint, so a concurrent writer's unique row makes this write fail alone, not the transaction.
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as error:
        raise Conflict(
            f"{instance._meta.verbose_name.capitalize()} conflicts with a record saved at the same moment; "
            "read it again and retry."
        ) from error
    return instance


def validate_items(field: str, items: Iterable[models.Model], exclude: Sequence[str] = ()) -> None:
    """full_clean each item, reporting every failure at once, by position."""
    errors, failed = [], False
    for item in items:
        try:
            item.full_clean(exclude=list(exclude))
            errors.append({})
        except ValidationError as error:
            errors.append(error.message_dict)
            failed = True
    if failed:
        raise InvalidItems(field, errors)


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 120) -> str:
    base = slugify(text)[: max_length - 6].strip("-") or model._meta.model_name
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def record_delete(instance: models.Model) -> None:
    """Delete unless other records still point at this one (PROTECT), which is reported, never cascaded."""
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as error:
        raise InUse(
            instance,
            sorted(
                error.protected_objects if hasattr(error, "protected_objects") else error.restricted_objects,
                key=lambda o: (o._meta.label, o.pk),
            ),
        ) from error


def replace_aliases(
    owner: models.Model, alias_model: type[models.Model], owner_field: str, aliases: list[dict]
) -> None:
    """Make `owner`'s aliases exactly `aliases` ({name, kind}), keeping rows that stay so their history continues."""
    wanted = [alias_model(**{owner_field: owner}, **alias) for alias in aliases]
    validate_items("aliases", wanted, exclude=[owner_field])
    seen, errors = set(), []
    for alias in wanted:
        errors.append({"name": ["Listed twice."]} if alias.name.lower() in seen else {})
        seen.add(alias.name.lower())
    if any(errors):
        raise InvalidItems("aliases", errors)
    existing = {a.name.lower(): a for a in alias_model._default_manager.filter(**{owner_field: owner})}
    for alias in wanted:
        current = existing.pop(alias.name.lower(), None)
        if current is None:
            alias.save()
        elif (current.name, current.kind) != (alias.name, alias.kind):
            current.name, current.kind = alias.name, alias.kind
            current.save()
    for stale in existing.values():
        stale.delete()
