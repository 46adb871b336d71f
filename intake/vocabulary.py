"""The registry's names, compiled for reading articles: every actor name and alias, every system designation and
alias, keyed the way the extractor looks them up. Built from the database in five queries and kept per process
until a name changes (the stamp below), so an article costs lookups in dictionaries, not queries."""

import re
import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max

from actors.choices import POLITY_KINDS, ActorKind, AliasKind
from actors.models import Actor, ActorAlias
from systems.models import Category, System, SystemAlias

# Words, designations ("MiG-29", "96K9"), abbreviations with stops ("U.S."), and the punctuation that separates
# list items and clauses. Offsets come from the match, so every mention can be quoted exactly.
TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"
    r"|[0-9A-Za-zÀ-ÖØ-öø-ɏ]+(?:[-‐‑/'’.][0-9A-Za-zÀ-ÖØ-öø-ɏ]+)*"
    r"|[,;:()\"“”—–]|(?<=\s)-(?=\s)"
)
POSSESSIVE = re.compile(r"['’]s?$")
APOSTROPHES = str.maketrans({"’": "'", "‐": "-", "‑": "-"})


def words(text: str) -> list[str]:
    return [m.group() for m in TOKEN.finditer(text)]


def actor_key(tokens: list[str]) -> str:
    """Lower-cased words joined by spaces, possessives and a leading "the" dropped: "the Kremlin's" is "kremlin"."""
    parts = [POSSESSIVE.sub("", t.translate(APOSTROPHES)).lower() for t in tokens]
    if parts and parts[0] == "the":
        parts = parts[1:]
    return " ".join(p for p in parts if p)


def system_key(tokens: list[str]) -> str:
    """Letters and digits only, lower-cased: "MiG-29", "Mig 29" and "MIG29" are one designation."""
    return re.sub(r"[^0-9a-zà-ɏ]", "", "".join(tokens).lower())


def strict_case(name: str) -> bool:
    """An abbreviation ("US", "IRGC") names an actor only in capitals: "us" is a pronoun."""
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


@dataclass(frozen=True)
class ActorEntry:
    actor: int
    party: int | None  # the state the name stands for as a supplier or recipient, when it stands for one
    alias_kind: str  # "name" for the actor's own name
    actor_kind: str
    strict: bool


@dataclass(frozen=True)
class SystemEntry:
    system: int
    generic: bool


@dataclass
class Vocabulary:
    actors: dict[str, list[ActorEntry]] = field(default_factory=dict)
    systems: dict[str, list[SystemEntry]] = field(default_factory=dict)
    actor_width: int = 1  # the most words any actor name has
    system_width: int = 1
    # First words of actor names and beginnings of system keys: a token that starts none is passed over without
    # trying every width (the reader spends most of its time looking names up).
    actor_starts: set[str] = field(default_factory=set)
    system_prefixes: set[str] = field(default_factory=set)
    actor_info: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id: (slug, name, kind)
    part_of: dict[int, int | None] = field(default_factory=dict)  # id: the actor it is part of
    system_info: dict[int, dict] = field(default_factory=dict)
    demonyms: dict[int, str] = field(default_factory=dict)  # state: its first demonym, for naming generic kit
    designations: dict[str, int] = field(default_factory=dict)  # system key of each designation: system
    categories: dict[str, int] = field(default_factory=dict)  # slug: id
    unknown_actor: int | None = None


def _party(actor_id: int, actors: dict[int, dict]) -> int | None:
    """The polity an actor acts for: itself, or the first state up its `part_of` chain (a company, a force, a
    ministry, an office-holder). Groups, organisations and the unknown actor act for no state."""
    seen = set()
    current = actors.get(actor_id)
    while current is not None and current["id"] not in seen:
        if current["kind"] in POLITY_KINDS:
            return current["id"]
        if current["kind"] in (ActorKind.GROUP, ActorKind.ORGANISATION, ActorKind.UNKNOWN):
            return None
        seen.add(current["id"])
        current = actors.get(current["part_of_id"])
    return None


def build() -> Vocabulary:
    vocabulary = Vocabulary()
    actors = {a["id"]: a for a in Actor.objects.values("id", "slug", "name", "kind", "part_of_id")}

    def add_actor(name: str, actor_id: int, alias_kind: str) -> None:
        tokens = words(name)
        key = actor_key(tokens)
        if not key:
            return
        actor = actors[actor_id]
        entry = ActorEntry(actor_id, _party(actor_id, actors), alias_kind, actor["kind"], strict_case(name))
        bucket = vocabulary.actors.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        vocabulary.actor_width = max(vocabulary.actor_width, len(key.split(" ")))
        vocabulary.actor_starts.add(key.split(" ")[0])

    for actor in actors.values():
        vocabulary.actor_info[actor["id"]] = (actor["slug"], actor["name"], actor["kind"])
        vocabulary.part_of[actor["id"]] = actor["part_of_id"]
        if actor["kind"] == ActorKind.UNKNOWN:
            vocabulary.unknown_actor = vocabulary.unknown_actor or actor["id"]
            continue
        add_actor(actor["name"], actor["id"], "name")
    for alias in ActorAlias.objects.order_by("id").values("actor_id", "name", "kind"):
        if actors[alias["actor_id"]]["kind"] == ActorKind.UNKNOWN or alias["name"].endswith("*"):
            continue  # SIPRI's starred spellings never occur in prose
        add_actor(alias["name"], alias["actor_id"], alias["kind"])
        if alias["kind"] == AliasKind.DEMONYM:
            vocabulary.demonyms.setdefault(alias["actor_id"], alias["name"])

    def add_system(name: str, system_id: int, generic: bool) -> None:
        tokens = words(name)
        key = system_key(tokens)
        if not key or key.isdigit():
            return
        bucket = vocabulary.systems.setdefault(key, [])
        entry = SystemEntry(system_id, generic)
        if entry not in bucket:
            bucket.append(entry)
        vocabulary.system_width = max(vocabulary.system_width, len(tokens))
        vocabulary.system_prefixes.update(key[:n] for n in range(1, len(key) + 1))

    systems = System.objects.values(
        "id", "slug", "designation", "name", "is_generic", "origin_id", "producer_id", "variant_of_id", "category_id"
    )
    for system in systems:
        vocabulary.system_info[system["id"]] = system
        if system["designation"]:
            add_system(system["designation"], system["id"], False)
            vocabulary.designations.setdefault(system_key(words(system["designation"])), system["id"])
        elif system["name"]:
            add_system(system["name"], system["id"], True)
    for alias in SystemAlias.objects.order_by("id").values("system_id", "name"):
        add_system(alias["name"], alias["system_id"], vocabulary.system_info[alias["system_id"]]["is_generic"])
    vocabulary.categories = dict(Category.objects.values_list("slug", "id"))
    return vocabulary


def stamp() -> tuple:
    """What changes whenever a name is added, edited or removed: counts and latest ids and edit times of the four
    tables the vocabulary reads (four one-row queries). A bulk `update()` that touches no `updated` is the one thing it
    misses; every write path here saves through the models."""
    parts = []
    for model in (Actor, ActorAlias, System, SystemAlias):
        row = model.objects.aggregate(n=Count("id"), last=Max("id"), edited=Max("updated"))
        parts.append((row["n"], row["last"], row["edited"]))
    return tuple(parts)


_lock = threading.Lock()
_cached: tuple[tuple, Vocabulary] | None = None


def current() -> Vocabulary:
    """The vocabulary, rebuilt when the stamp says a name changed since it was built in this process."""
    global _cached
    now = stamp()
    cached = _cached
    if cached is not None and cached[0] == now:
        return cached[1]
    with _lock:
        vocabulary = build()
        _cached = (now, vocabulary)
    return vocabulary
