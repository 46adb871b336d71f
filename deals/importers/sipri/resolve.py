"""Map SIPRI actor names and weapon designations onto actors and systems, creating the missing ones in bulk."""

import re

from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actors.choices import ActorKind, AliasKind
from actors.models import Actor, ActorAlias
from systems.choices import SystemAliasKind
from systems.models import Category, System, SystemAlias

from .categories import FALLBACK, SLUGS, category_for_description

UNKNOWN_ACTOR = "unknown"
UNKNOWN_NAME = re.compile(r"^unknown (supplier|recipient)\(s\)$", re.IGNORECASE)
# SIPRI appends " -" or " --" to tell apart entries of one weapon (e.g. a version produced elsewhere).
DESIGNATION_SUFFIX = re.compile(r"\s+-+$")
NAME_LENGTH = 200
BATCH = 1000


def clean_designation(raw: str) -> str:
    return DESIGNATION_SUFFIX.sub("", " ".join(raw.split()))


def is_generic(designation: str) -> bool:
    # SIPRI writes placeholders for kit it cannot name in lower case: "vehicle engine 301-400".
    return designation[:1].islower()


def _first_by_key(rows, ranks) -> dict[str, int]:
    """Lower-cased name -> id, preferring the better-ranked kind of match, then the lowest id."""
    best: dict[str, tuple] = {}
    for name, target, rank in rows:
        key = name.strip().lower()
        candidate = (ranks[rank], target)
        if key and (key not in best or candidate < best[key]):
            best[key] = candidate
    return {key: target for key, (_, target) in best.items()}


def _unique_slug(base: str, taken: set[str], fallback: str) -> str:
    base = (slugify(base) or fallback)[:110].strip("-") or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


class MissingReferenceData(Exception):
    """The database lacks the vocabulary SIPRI's names are mapped onto; nothing is imported."""


def require_reference_data() -> None:
    """Refuse, in one line saying what to run, a database that was migrated but never seeded: without SIPRI's
    categories no system can be filed, and without the states every row names an unknown actor."""
    missing = []
    found = set(Category.objects.filter(slug__in=SLUGS).values_list("slug", flat=True))
    if not found:
        missing.append("SIPRI's armament categories")
    elif gone := sorted(SLUGS - found):
        missing.append(f"SIPRI's armament categor{'y' if len(gone) == 1 else 'ies'} {', '.join(gone)}")
    if not Actor.objects.filter(kind=ActorKind.STATE).exists():
        missing.append("the states and SIPRI's names for them")
    if missing:
        raise MissingReferenceData(
            f"This database lacks {' and '.join(missing)}: run `manage.py seed` first, then import again."
        )


class Resolver:
    """Lookups loaded once per file, so resolving 30,000 rows costs a handful of queries."""

    def __init__(self, *, change_reason: str):
        self.change_reason = change_reason
        rows = [(name, pk, "name") for pk, name in Actor.objects.values_list("id", "name")]
        rows += [
            (name, actor_id, "sipri" if kind == AliasKind.SIPRI else "alias")
            for actor_id, name, kind in ActorAlias.objects.values_list("actor_id", "name", "kind")
        ]
        # SIPRI's own spellings win over a display name another actor happens to share.
        self.actors = _first_by_key(rows, {"sipri": 0, "name": 1, "alias": 2})
        self.actor_kinds = dict(Actor.objects.values_list("id", "kind"))
        self.unknown_actor = Actor.objects.filter(slug=UNKNOWN_ACTOR).values_list("id", flat=True).first()
        self.actor_codes = {
            code: pk
            for pk, *codes in Actor.objects.values_list("id", "iso2", "iso3", "iso_former")
            for code in codes
            if code
        }

        rows = [
            (designation or name, pk, "designation" if designation else "generic")
            for pk, designation, name in System.objects.values_list("id", "designation", "name")
        ]
        rows += [
            (name, system_id, "sipri" if kind == SystemAliasKind.SIPRI else "alias")
            for system_id, name, kind in SystemAlias.objects.values_list("system_id", "name", "kind")
        ]
        self.systems = _first_by_key(rows, {"sipri": 0, "designation": 1, "generic": 2, "alias": 3})
        self.system_categories = dict(System.objects.values_list("id", "category_id"))
        self.categories = {slug: pk for pk, slug in Category.objects.values_list("id", "slug")}
        self.category_names = {name.lower(): pk for pk, name in Category.objects.values_list("id", "name")}
        self.actor_slugs = set(Actor.objects.values_list("slug", flat=True))
        self.system_slugs = set(System.objects.values_list("slug", flat=True))
        self.actors_created = 0
        self.systems_created = 0
        self.aliases_created = 0

    def actor(self, raw: str, *, code: str = "") -> int | None:
        """The actor id for an ISO code (Dealgraph's export has them) or a SIPRI name, or None when the name is a
        plain one nobody has recorded."""
        if code and code in self.actor_codes:
            return self.actor_codes[code]
        name = " ".join(raw.split())
        if UNKNOWN_NAME.match(name) and self.unknown_actor:
            return self.unknown_actor
        found = self.actors.get(name.lower())
        if found or "*" not in name:
            return found
        bare = self.actors.get(name.rstrip("*").strip().lower())
        # "Hezbollah (Lebanon)*" may be recorded under its bare name, but a starred name is never a state.
        if bare and self.actor_kinds.get(bare) not in (ActorKind.STATE, ActorKind.TERRITORY):
            return bare
        return None

    def create_actors(self, names: set[str]) -> None:
        """Create the starred names (`*` non-state group, `**` organisation) not yet recorded."""
        actors, aliases = [], []
        for raw in sorted(names):
            name = " ".join(raw.split())
            if "*" not in name or self.actor(name) is not None:
                continue
            bare = name.rstrip("*").strip()[:NAME_LENGTH]
            if not bare:
                continue
            kind = ActorKind.ORGANISATION if name.endswith("**") else ActorKind.NON_STATE_GROUP
            actor = Actor(
                name=bare,
                kind=kind,
                slug=_unique_slug(bare, self.actor_slugs, "actor"),
                notes=f"Created by the SIPRI import from SIPRI's name “{name}”.",
            )
            actors.append(actor)
            aliases.append(ActorAlias(actor=actor, name=name[:NAME_LENGTH], kind=AliasKind.SIPRI))
        if not actors:
            return
        bulk_create_with_history(actors, Actor, batch_size=BATCH, default_change_reason=self.change_reason)
        for alias in aliases:
            alias.actor_id = alias.actor.pk
        bulk_create_with_history(aliases, ActorAlias, batch_size=BATCH, default_change_reason=self.change_reason)
        for actor, alias in zip(actors, aliases, strict=True):
            self.actors[alias.name.lower()] = actor.pk
            self.actor_kinds[actor.pk] = actor.kind
        self.actors_created += len(actors)

    def system(self, raw: str) -> int | None:
        return self.systems.get(clean_designation(raw).lower()) or self.systems.get(" ".join(raw.split()).lower())

    def category(self, name: str, description: str) -> int:
        key = name.strip().lower()
        found = self.category_names.get(key) or self.categories.get(slugify(key))
        return found or self.categories.get(category_for_description(description)) or self.categories[FALLBACK]

    def create_systems(self, wanted: list[tuple[str, str, str]]) -> None:
        """Create a system for each (designation, description, category) not yet known; the first row wins."""
        first: dict[str, tuple[str, str, str]] = {}
        for designation, description, category in wanted:
            clean = clean_designation(designation)[:NAME_LENGTH]
            if clean and self.system(designation) is None:
                first.setdefault(clean.lower(), (clean, description, category))
        systems = []
        for clean, description, category in first.values():
            generic = is_generic(clean)
            systems.append(
                System(
                    designation="" if generic else clean,
                    name=clean if generic else "",
                    description=description[:NAME_LENGTH],
                    is_generic=generic,
                    category_id=self.category(category, description),
                    slug=_unique_slug(clean, self.system_slugs, "system"),
                    notes="Created by the SIPRI import."
                    if not generic
                    else "Created by the SIPRI import for kit SIPRI names without a designation.",
                )
            )
        if not systems:
            return
        bulk_create_with_history(systems, System, batch_size=BATCH, default_change_reason=self.change_reason)
        for system in systems:
            self.systems[(system.designation or system.name).lower()] = system.pk
            self.system_categories[system.pk] = system.category_id
        self.systems_created += len(systems)

    def add_aliases(self, targets: dict[str, int]) -> None:
        """Record SIPRI's new spelling of a designation as an alias of the system it renames."""
        names: dict[str, str] = {}
        systems: dict[str, set[int]] = {}
        for designation, system in sorted(targets.items()):
            name = clean_designation(designation)[:NAME_LENGTH]
            names.setdefault(name.lower(), name)
            systems.setdefault(name.lower(), set()).add(system)
        aliases = [
            SystemAlias(system_id=next(iter(systems[key])), name=name, kind=SystemAliasKind.SIPRI)
            for key, name in names.items()
            if len(systems[key]) == 1 and name and self.system(name) is None
        ]
        bulk_create_with_history(aliases, SystemAlias, batch_size=BATCH, default_change_reason=self.change_reason)
        for alias in aliases:
            self.systems[alias.name.lower()] = alias.system_id
        self.aliases_created += len(aliases)
