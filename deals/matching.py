"""Which deals from different sources seem to record the same transfer: the one definition of a match, and the
refresh that stores matches (deals.DealMatch) for a set of deals in a few set-based queries.

Two deals are candidates when no source supports both (SIPRI's deals cite their release, an article's deals the
article) and they have the same recipient. A candidate pair matches when the systems are of one family and the
years come within TOLERANCE; it is the `same_transfer` when the suppliers agree (one may be part of the other),
and `contradicts` when they do not. Matches are proposals for a curator, who merges (deals.services.deal_merge);
nothing here changes a deal."""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Q, QuerySet

from actors.models import Actor
from sources.choices import Stance
from sources.models import Citation
from systems.models import System, SystemAlias

from .choices import MatchRelation
from .models import Deal, DealMatch

# Years a deal's order year and delivery years may lie from the other deal's and still match. A news report dates a
# deal by its announcement or its delivery, SIPRI by the order, often estimated a year or two back (`2018?`); two
# years covers Serbia's Mi-35M order of 2018?, delivered 2019, reported in 2021, without pairing successive orders
# of the same kit from years apart.
TOLERANCE = 2
# Ids per query when a set of deals is named by a list: below every database's limit on parameters.
CHUNK = 900

# Spellings of one name in different transliterations, applied after normalising (lower case, letters and digits).
TRANSLITERATIONS = [("pantsyr", "pantsir")]
# A leading industry index ("96K9 Pantsyr-S1", "9K33 Osa"): starts with a digit, holds a letter.
INDEX_TOKEN = re.compile(r"^\d+[a-z]\w*$", re.IGNORECASE)
# A token that is a designation in its own right ("Pantsyr-S1", "Mi-35"): starts with a letter, holds a digit.
# Calibres ("155mm") and plain words ("engine", "Master") are not, so "vehicle engine" is not "aircraft engine".
DESIGNATION_TOKEN = re.compile(r"^[a-z].*\d", re.IGNORECASE)


def normalise(name: str) -> str:
    """`Mi-35M` -> `mi35m`, `Pantsyr-S1` -> `pantsirs1`."""
    text = re.sub(r"[^0-9a-z]", "", name.lower())
    for spelling, canonical in TRANSLITERATIONS:
        text = text.replace(spelling, canonical)
    return text


@lru_cache(maxsize=1 << 16)  # every refresh works out the forms of a recipient's systems, often thousands
def forms(name: str) -> frozenset[str]:
    """The normalised forms a designation is compared by: the whole name; without a leading index ("96K9
    Pantsyr-S1" -> "pantsirs1"); and each alternative or token that is a designation itself ("Mi-24V/Mi-35")."""
    tokens = [token for token in re.split(r"[\s/]+", name.strip()) if token]
    found = {normalise(name)}
    if len(tokens) > 1:
        if INDEX_TOKEN.match(tokens[0]):
            found.add(normalise(" ".join(tokens[1:])))
        found.update(normalise(token) for token in tokens if DESIGNATION_TOKEN.match(token))
    found.discard("")
    return frozenset(found)


def can_extend(form: str) -> bool:
    """Whether a form is distinctive enough for longer ones to count as its versions: a digit, or four letters."""
    return len(form) >= 4 or (len(form) >= 2 and any(c.isdigit() for c in form))


def extends(short: str, long: str) -> bool:
    """`long` names a version of `short`: `mi35` / `mi35m`, `t72` / `t72ms`; never `mi35` / `mi350`."""
    return len(long) > len(short) and long.startswith(short) and long[len(short)].isalpha() and can_extend(short)


@dataclass
class SystemFacts:
    pk: int
    label: str
    parent: int | None
    generic: bool
    category: int
    names: set[str] = field(default_factory=set)  # designation and aliases, lower case
    forms: set[str] = field(default_factory=set)


class Families:
    """System families of the systems involved: the same system, variants (through `variant_of`, either way and
    between siblings), systems sharing a name or alias (case-insensitively), and, within one armament category,
    designations that are one spelling apart or one extends the other (`Mi-35` / `Mi-35M`). Generic entries are a
    family of their own. Families are closed under these links, so `Mi-35` and `Mi-35P` are kin through `Mi-35M`."""

    def __init__(self, system_ids: Iterable[int]):
        self.systems: dict[int, SystemFacts] = {}
        pending = set(system_ids)
        while pending:  # the systems, then their bases, up every variant chain
            columns = ("id", "designation", "name", "variant_of_id", "is_generic", "category_id")
            for pk, designation, name, parent, generic, category in rows_of(System.objects, pending, columns):
                self.systems[pk] = SystemFacts(pk, designation or name, parent, generic, category)
            pending = {s.parent for s in self.systems.values() if s.parent is not None} - set(self.systems)
        named = [s for s in self.systems.values() if not s.generic]
        for s in named:
            s.names.add(s.label.lower())
            s.forms |= forms(s.label)
        for pk, alias in rows_of(SystemAlias.objects, {s.pk for s in named}, ("system_id", "name")):
            self.systems[pk].names.add(alias.lower())
            self.systems[pk].forms |= forms(alias)
        self.root = {pk: pk for pk in self.systems}
        for s in self.systems.values():
            if s.parent is not None and not s.generic and not self.systems[s.parent].generic:
                self.union(s.pk, s.parent)
        self._link_by_names(named)

    def find(self, pk: int) -> int:
        while self.root[pk] != pk:
            self.root[pk] = self.root[self.root[pk]]
            pk = self.root[pk]
        return pk

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.root[max(a, b)] = min(a, b)

    def _link_by_names(self, named: list[SystemFacts]) -> None:
        by_name: dict[str, list[int]] = defaultdict(list)
        by_form: dict[tuple[int, str], list[int]] = defaultdict(list)
        for s in named:
            for name in s.names:
                by_name[name].append(s.pk)
            for form in s.forms:
                by_form[(s.category, form)].append(s.pk)
        for group in [*by_name.values(), *by_form.values()]:
            for pk in group[1:]:
                self.union(group[0], pk)
        # Within a category, every form that extends another follows it in sorted order, before the first that
        # does not start with it: one pass over the sorted forms, no comparison of every pair.
        ordered = sorted(by_form)
        for index, (category, short) in enumerate(ordered):
            if not can_extend(short):
                continue
            following = index + 1
            while following < len(ordered):
                other_category, long = ordered[following]
                if other_category != category or not long.startswith(short):
                    break
                if long[len(short)].isalpha():
                    self.union(by_form[(category, short)][0], by_form[(category, long)][0])
                following += 1

    def family(self, pk: int) -> int:
        return self.find(pk)

    def ancestors(self, pk: int) -> list[int]:
        chain, seen = [], {pk}
        parent = self.systems[pk].parent
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self.systems[parent].parent
        return chain

    def why(self, a: int, b: int) -> str:
        """Why two systems of one family are kin, in words."""
        first, second = self.systems[a], self.systems[b]
        if a == b:
            return f"both {first.label}"
        if b in self.ancestors(a):
            return f"{first.label} is a variant of {second.label}"
        if a in self.ancestors(b):
            return f"{second.label} is a variant of {first.label}"
        common = [pk for pk in self.ancestors(a) if pk in set(self.ancestors(b))]
        if common:
            return f"{first.label} and {second.label} are both variants of {self.systems[common[0]].label}"
        direct = self._by_name(first, second)
        if direct:
            return direct
        # One step through a base: Cyprus's Mi-24P and the article's Mi-35, a variant of the Mi-24.
        for one, other in ((first, second), (second, first)):
            for base in self.ancestors(one.pk):
                via = self._by_name(self.systems[base], other)
                if via:
                    return f"{one.label} is a variant of {self.systems[base].label}, and {via}"
        return f"{first.label} and {second.label} are linked through other designations of one family"

    @staticmethod
    def _by_name(first: SystemFacts, second: SystemFacts) -> str | None:
        shared = sorted(first.names & second.names)
        if shared:
            return f"{first.label} and {second.label} share the name {shared[0]}"
        for x in sorted(first.forms):
            for y in sorted(second.forms):
                if x == y:
                    return f"{first.label} and {second.label} are one designation spelt two ways"
                if extends(x, y):
                    return f"{second.label} extends the designation {first.label}"
                if extends(y, x):
                    return f"{first.label} extends the designation {second.label}"
        return None


@dataclass
class DealFacts:
    pk: int
    supplier: int
    recipient: int
    system: int
    year: int | None
    first: int | None
    last: int | None
    sources: set[int] = field(default_factory=set)

    @property
    def years(self) -> set[int]:
        years = {self.year} if self.year is not None else set()
        if self.first is not None:
            years.update(range(self.first, (self.last or self.first) + 1))
        return years

    def when(self) -> str:
        parts = []
        if self.year is not None:
            parts.append(f"ordered {self.year}")
        if self.first is not None:
            span = str(self.first) if self.last in (None, self.first) else f"{self.first}-{self.last}"
            parts.append(f"delivered {span}")
        return ", ".join(parts) or "no year"


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def rows_of(manager, ids: set[int], columns: tuple[str, ...]) -> Iterator[tuple]:
    """The rows whose first column is one of `ids`. Past a chunk of ids, the whole table is read and the rows
    kept here: binding 5,000 system ids and their aliases' cost Django and the driver 60 ms, reading both whole
    tables 10 ms (a recipient at a million deals has deals of nearly every system)."""
    if len(ids) > CHUNK:
        yield from (row for row in manager.values_list(*columns) if row[0] in ids)
        return
    for chunk in chunks(sorted(ids)):
        yield from manager.filter(**{f"{columns[0]}__in": chunk}).values_list(*columns)


def _ids(deals: QuerySet | Iterable[int] | Iterable[Deal]) -> list[int]:
    if isinstance(deals, QuerySet):
        return list(deals.order_by().values_list("pk", flat=True))
    return sorted({getattr(deal, "pk", deal) for deal in deals})


def years_apart(a: set[int], b: set[int]) -> int | None:
    """The least distance between a year of each, or None when either has none."""
    if not a or not b:
        return None
    return min(abs(x - y) for x in a for y in b)


def related_suppliers(a: int, b: int, part_of: dict[int, int | None]) -> bool:
    return a == b or part_of.get(a) == b or part_of.get(b) == a


def relation_of(a: DealFacts, b: DealFacts, part_of: dict[int, int | None]) -> str | None:
    """The relation of two candidates of one recipient and system family, or None when their years are too far
    apart or a source supports both."""
    if a.pk == b.pk or a.recipient != b.recipient or a.sources & b.sources:
        return None
    apart = years_apart(a.years, b.years)
    if apart is not None and apart > TOLERANCE:
        return None
    if related_suppliers(a.supplier, b.supplier, part_of):
        return MatchRelation.SAME_TRANSFER
    return MatchRelation.CONTRADICTS


def reason_for(a: DealFacts, b: DealFacts, relation: str, families: Families, names: dict[int, str]) -> str:
    kin = families.why(a.system, b.system)
    apart = years_apart(a.years, b.years)
    if apart is None:
        years = f"no year to compare ({a.when()}; the other {b.when()})"
    else:
        years = f"years within {TOLERANCE} ({a.when()}; the other {b.when()})"
    if relation == MatchRelation.SAME_TRANSFER:
        parties = "Same supplier" if a.supplier == b.supplier else "Related suppliers"
        return f"{parties}, recipient and system family ({kin}); {years}."
    return (
        f"Same recipient and system family ({kin}) but another supplier "
        f"({names.get(a.supplier, a.supplier)} here, {names.get(b.supplier, b.supplier)} there); {years}."
    )


def _candidates(recipients: list[int], systems: list[int]) -> dict[int, DealFacts]:
    """The deals of these recipients whose system is one of `systems`, with their supporting sources."""
    deals: dict[int, DealFacts] = {}
    for chunk in chunks(recipients):
        for kin in chunks(systems):
            found = Deal.objects.filter(recipient_id__in=chunk, system_id__in=kin)
            for row in found.values_list(
                "id", "supplier_id", "recipient_id", "system_id", "year", "first_delivery_year", "last_delivery_year"
            ):
                deals[row[0]] = DealFacts(*row)
    # By the ids just read, not a subquery repeating the search above (which PostgreSQL and SQLite run again).
    for chunk in chunks(sorted(deals)):
        supporting = Citation.objects.filter(stance=Stance.SUPPORTS, deal_id__in=chunk)
        for deal_id, source_id in supporting.values_list("deal_id", "source_id"):
            deals[deal_id].sources.add(source_id)
    return deals


def match_refresh_counts(deals: QuerySet | Iterable[int]) -> Counter:
    """Recompute and store the matches of `deals` (a queryset, or deal ids) in both directions, replacing their
    old ones; returns how many pairs of each relation involve them. Set-based: the deals of every recipient
    concerned, their supporting sources and the systems involved are each read once, whatever the number of deals
    (a few more queries for every CHUNK deals named by a list)."""
    given = _ids(deals)
    if not given:
        return Counter()
    recipients: set[int] = set()
    for chunk in chunks(given):
        recipients.update(
            Deal.objects.filter(pk__in=chunk).order_by().values_list("recipient_id", flat=True).distinct()
        )
    # Only the deals of a system family the given deals are in can match them: the families are worked out over
    # the systems these recipients have at all, and only those deals read (at a million deals, 2.4 s to 0.1 s
    # for an article's thirty drafts; docs/performance.md).
    own: set[int] = set()
    for chunk in chunks(given):
        own.update(Deal.objects.filter(pk__in=chunk).order_by().values_list("system_id", flat=True).distinct())
    present: set[int] = set()
    for chunk in chunks(sorted(recipients)):
        present.update(
            Deal.objects.filter(recipient_id__in=chunk).order_by().values_list("system_id", flat=True).distinct()
        )
    families = Families(present)
    wanted_families = {families.family(system) for system in own}
    kin = sorted(system for system in present if families.family(system) in wanted_families)
    candidates = _candidates(sorted(recipients), kin)
    buckets: dict[tuple[int, int], list[DealFacts]] = defaultdict(list)
    for deal in candidates.values():
        buckets[(deal.recipient, families.family(deal.system))].append(deal)
    wanted = set(given)
    suppliers = sorted({deal.supplier for deal in candidates.values()})
    part_of: dict[int, int | None] = {}
    found: dict[tuple[int, int], str] = {}
    for bucket in buckets.values():
        if len(bucket) < 2 or not any(deal.pk in wanted for deal in bucket):
            continue
        if not part_of and suppliers:
            for chunk in chunks(suppliers):
                part_of.update(Actor.objects.filter(pk__in=chunk).values_list("id", "part_of_id"))
        for a in bucket:
            if a.pk not in wanted:
                continue
            for b in bucket:
                if (a.pk, b.pk) in found:
                    continue
                relation = relation_of(a, b, part_of)
                if relation is not None:
                    found[(a.pk, b.pk)] = found[(b.pk, a.pk)] = relation

    names = {}
    if found:
        involved = sorted({candidates[pk].supplier for pair in found for pk in pair})
        for chunk in chunks(involved):
            names.update(Actor.objects.filter(pk__in=chunk).values_list("id", "name"))
    rows = [
        DealMatch(
            deal_id=a,
            other_id=b,
            relation=relation,
            reason=reason_for(candidates[a], candidates[b], relation, families, names),
        )
        for (a, b), relation in sorted(found.items())
    ]
    for chunk in chunks(given, CHUNK // 2):  # each id twice in the statement
        DealMatch.objects.filter(Q(deal_id__in=chunk) | Q(other_id__in=chunk)).delete()
    DealMatch.objects.bulk_create(rows, batch_size=CHUNK)
    return Counter(relation for (a, b), relation in found.items() if a < b)


def match_refresh(deals: QuerySet | Iterable[int]) -> int:
    """Recompute and store the matches of `deals`; returns how many pairs involve them."""
    return sum(match_refresh_counts(deals).values())
