"""Key queries compiled once per shape and reused with each request's own values.

Building a filtered queryset and compiling it through the ORM was a fifth of a filtered page's CPU time, and a third
of one record's. The SQL depends only on the request's shape (which filters are given, with how many values each,
and the ordering; or which field a record is looked up by), so it is compiled once per shape and each request fills
in its own values. On the first request of a shape the query is compiled three times, with the real values and
with two sets of stand-ins, and kept only if all three agree on the SQL and every parameter is either a stand-in of
both sets, in the same place, or the same constant in all three.
"""

import django_filters
from django.core.exceptions import ValidationError

from core.db import KeyQuery, key_query

EMPTY = object()  # the conditions can match nothing
_MAX_STAND_INS = 200
# Shapes a process keeps: clients choose them (which filters, how many values), so the memory they take is bounded.
MAX_SHAPES = 2000
_shapes: dict = {}


def _filter_shape(filterset):
    """Which filters are given, with how many values each, and the ordering itself. None when a value shapes the
    SQL (free text such as `q`, which looks up matching parties first), so the query cannot be reused."""
    shape = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(filterset.filters[name], django_filters.OrderingFilter):
            shape.append((name, tuple(value)))
        elif isinstance(value, list) and all(type(v) in (int, str) for v in value):
            shape.append((name, len(value)))
        elif type(value) is int:
            shape.append((name, "int"))
        else:
            return None
    return tuple(shape)


def shape_keys(filterset, base):
    """The key query of the filterset over `base`, from the SQL compiled for its shape; EMPTY when it matches
    nothing, None when it has to be compiled anew."""
    if filterset is None:
        return None
    shape = _filter_shape(filterset)
    if shape is None:
        return None
    literal = {name for name, f in filterset.filters.items() if isinstance(f, django_filters.OrderingFilter)}

    def compiled_with(data):
        fresh = type(filterset)(filterset.data, queryset=base, request=filterset.request)
        fresh.form.cleaned_data = data
        return key_query(fresh.filter_queryset(base.all()))

    key = ("filters", type(filterset), *_base_key(base), shape)
    return _reused(key, filterset.form.cleaned_data, compiled_with, literal)


def lookup_keys(base, lookup: dict):
    """The key query of the one record `lookup` names among `base` ({"pk": 42} or {"slug": "serbia"}), from the
    SQL compiled for looking up by that field; EMPTY or None as shape_keys."""
    if not all(type(value) in (int, str) for value in lookup.values()):
        return None
    shape = tuple(sorted((name, type(value).__name__) for name, value in lookup.items()))
    return _reused(("lookup", *_base_key(base), shape), lookup, lambda data: key_query(base.filter(**data)), ())


def _base_key(base) -> tuple:
    return (base.model, base.query.where, tuple(base.query.order_by), base.db)


def _reused(key, data: dict, compiled_with, literal):
    try:
        compiled = _shapes.get(key)
    except TypeError:  # a base query whose conditions cannot be hashed: nothing to share it with
        return None
    if compiled is None:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        compiled = _shapes[key] = _compile(data, compiled_with, literal)
    if compiled is False:
        return None
    if compiled is EMPTY:
        return EMPTY
    sql, sources, order, tail = compiled
    params = [
        constant if name is None else data[name] if index is None else data[name][index]
        for name, index, constant in sources
    ]
    return KeyQuery(sql, params, order, tail)


def _with_stand_ins(data: dict, literal, first: int) -> tuple[dict, dict]:
    """The data with each value (or each item of a list) replaced by a distinct stand-in of its type, and the
    stand-ins: {stand-in: (name, index in its list or None)}. Values named in `literal` stay as they are."""
    replaced_data, stand_ins, n = {}, {}, first
    for name, value in data.items():
        if value is None or value == [] or value == "" or name in literal:
            replaced_data[name] = value
            continue
        items = value if isinstance(value, list) else [value]
        replaced = []
        for index, item in enumerate(items):
            n += 1
            stand_in = n if type(item) is int else f"\x1fstand-in-{n}"
            stand_ins[stand_in] = (name, index if isinstance(value, list) else None)
            replaced.append(stand_in)
        replaced_data[name] = replaced if isinstance(value, list) else replaced[0]
    return replaced_data, stand_ins


def _compile(data: dict, compiled_with, literal):
    size = sum(len(v) if isinstance(v, list) else 1 for v in data.values() if v is not None)
    if size > _MAX_STAND_INS:
        return False
    real = compiled_with(data)
    # Stand-ins fit every integer column (a small one's range ends at 32,767) and differ between the two sets.
    first_data, first_stand_ins = _with_stand_ins(data, literal, 30_000)
    second_data, second_stand_ins = _with_stand_ins(data, literal, 30_000 + _MAX_STAND_INS)
    try:
        first, second = compiled_with(first_data), compiled_with(second_data)
    except (TypeError, ValueError, ValidationError):  # a stand-in the conditions cannot take: compile per request
        return False
    if real is None and first is None and second is None:
        return EMPTY
    if (
        real is None
        or first is None
        or second is None
        or not (real.sql == first.sql == second.sql)
        or not (len(real.params) == len(first.params) == len(second.params))
        or real.order != first.order
        or real.tail != first.tail
    ):
        return False
    sources = []
    for value, a, b in zip(real.params, first.params, second.params, strict=True):
        if a in first_stand_ins and b in second_stand_ins and first_stand_ins[a] == second_stand_ins[b]:
            sources.append((*first_stand_ins[a], None))
        elif value == a == b and a not in first_stand_ins and b not in second_stand_ins:
            sources.append((None, None, value))
        else:
            return False
    return real.sql, sources, real.order, real.tail
