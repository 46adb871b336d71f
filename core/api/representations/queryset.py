"""Querysets that evaluate to representations, so that DRF's paginators and slicing work on them unchanged."""

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import BaseIterable

from core.db import KeyQuery, key_query

from .links import Links
from .plan import Plan
from .shapes import EMPTY


class _Representations(BaseIterable):
    plan: Plan
    links: Links
    prepare = False

    def __iter__(self):
        yield from self.plan.represent(self.queryset, self.links, prepare=self.prepare, keys=self.queryset.keys())


class Representing(QuerySet):
    """A queryset that evaluates to representation dicts, so DRF's paginators and slicing work unchanged. Its key
    query is compiled once for the count and the page sliced from it (compiling it was an eighth of a page)."""

    unsliced_keys = None
    keys_given = False  # the key query came with the queryset (shape_keys), whose own query is not filtered

    def keys(self) -> KeyQuery | None:
        if self.keys_given or (self.query.is_sliced and self.unsliced_keys is not None):
            if self.unsliced_keys is None:
                return None
            if self.query.is_sliced:
                return self.unsliced_keys.sliced(self.query, connections[self.db])
            return self.unsliced_keys
        return key_query(self)

    def count(self):
        if self._result_cache is not None or self.query.is_sliced:
            return super().count()
        if not self.keys_given:
            self.unsliced_keys = key_query(self)
        keys = self.unsliced_keys
        if keys is None:
            return 0
        counting = keys.counting()
        if counting is None:
            if not self.keys_given:
                return super().count()
            # This queryset's own query is not the filtered one: count over the key query, ordering and all.
            counting = (f"SELECT COUNT(*) FROM ({keys.sql}) counted", keys.params)
        with connections[self.db].cursor() as cursor:
            cursor.execute(*counting)
            return cursor.fetchone()[0]

    _slicing = False

    def __getitem__(self, k):
        self._slicing = True
        try:
            clone = super().__getitem__(k)
        finally:
            self._slicing = False
        if isinstance(clone, Representing) and not self.query.is_sliced:
            clone.unsliced_keys, clone.keys_given = self.unsliced_keys, self.keys_given
        return clone

    def _chain(self):
        if self.keys_given and not self.query.is_sliced and not self._slicing:
            # Ordering or filtering further (a cursor page) would start from the unfiltered query.
            raise TypeError("A queryset represented from a given key query cannot be changed; slice it.")
        return super()._chain()


def representing(queryset: QuerySet, plan: Plan, links: Links, *, prepare: bool = False, keys=None) -> QuerySet:
    """The queryset, evaluating to representations. `prepare`: the page query's plan does not depend on its
    parameters (one record by key, an unfiltered page), so PostgreSQL may keep it prepared. `keys`: the key query
    of the filtered queryset (shape_keys), when `queryset` is the unfiltered one."""
    iterable = type(
        "RepresentationsForRequest", (_Representations,), {"plan": plan, "links": links, "prepare": prepare}
    )
    clone = Representing(model=queryset.model, query=queryset.query.chain(), using=queryset._db, hints=queryset._hints)
    clone._iterable_class = iterable
    if keys is not None:
        clone.keys_given, clone.unsliced_keys = True, None if keys is EMPTY else keys
    return clone
