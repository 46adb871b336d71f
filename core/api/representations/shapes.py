"""Key queries compiled once per filter shape and reused with each request's own values."""

import django_filters

from core.db import KeyQuery, key_query

# --- key queries compiled once per filter shape -------------------------------------------------------------------

EMPTY = object()  # the filters can match nothing
_MAX_SENTINELS = 200
# Shapes a process keeps: clients choose them (which filters, how many values), so the memory they take is bounded.
MAX_SHAPES = 2000
_shapes: dict = {}


def _shape(filterset):
    """What decides the SQL of a filterset's key query, apart from the values: which filters are given, with how
    many values each, and the ordering itself. None when a value shapes the SQL (free text such as `q`, which
    looks up matching parties first), so the query cannot be reused."""
    shape = []
    for name, value in filterset.form.cleaned_data.items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(filterset.filters[name], django_filters.OrderingFilter):
            shape.append((name, tuple(value)))
        elif isinstance(value, list) and all(type(v) in (int, str) for v in value):
            shape.append((name, len(value)))
        elif type(value) is int:
            shape.append((name, None))
        else:
            return None
    return tuple(shape)


def _with_sentinels(filterset, base, first: int):
    """The key query of the filterset with each filter value replaced by a distinct stand-in, and the stand-ins:
    {stand-in: (filter name, index in its list or None)}."""
    data, stand_ins, n = {}, {}, first
    for name, value in filterset.form.cleaned_data.items():
        if (
            value is None
            or value == []
            or value == ""
            or isinstance(filterset.filters[name], django_filters.OrderingFilter)
        ):
            data[name] = value
            continue
        items = value if isinstance(value, list) else [value]
        replaced = []
        for index, item in enumerate(items):
            n += 1
            stand_in = n if type(item) is int else f"\x1fsentinel-{n}"
            stand_ins[stand_in] = (name, index if isinstance(value, list) else None)
            replaced.append(stand_in)
        data[name] = replaced if isinstance(value, list) else replaced[0]
    fresh = type(filterset)(filterset.data, queryset=base, request=filterset.request)
    fresh.form.cleaned_data = data
    return key_query(fresh.filter_queryset(base.all())), stand_ins


def shape_keys(filterset, base):
    """The filterset's key query from the SQL compiled for its shape, or None when it has to be compiled anew.

    Building the filtered queryset and compiling it through the ORM was a fifth of a filtered page's CPU time; the
    SQL depends only on which filters are given, so it is compiled once per shape and each request fills in its
    own values. On the first request of a shape the query is compiled three times, with the real values and with
    two sets of stand-ins, and kept only if all three agree on the SQL and every parameter is either a stand-in of
    both sets, in the same place, or the same constant in all three."""
    if filterset is None:
        return None
    shape = _shape(filterset)
    if shape is None:
        return None
    key = (type(filterset), base.model, base.query.where, tuple(base.query.order_by), base.db, shape)
    try:
        compiled = _shapes.get(key)
    except TypeError:  # a base query whose conditions cannot be hashed: nothing to share it with
        return None
    data = filterset.form.cleaned_data
    if compiled is None:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        compiled = _shapes[key] = _compile_shape(filterset, base)
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


def _compile_shape(filterset, base):
    real = key_query(filterset.qs)
    size = sum(len(v) if isinstance(v, list) else 1 for v in filterset.form.cleaned_data.values() if v is not None)
    if size > _MAX_SENTINELS:
        return False
    # Stand-ins fit every integer column (a small one's range ends at 32,767) and differ between the two sets.
    first, first_stand_ins = _with_sentinels(filterset, base, 30_000)
    second, second_stand_ins = _with_sentinels(filterset, base, 30_000 + _MAX_SENTINELS)
    if real is None and first is None and second is None:
        return EMPTY
    if (
        real is None
        or first is None
        or second is None
        or not (real.sql == first.sql == second.sql)
        or not (len(real.params) == len(first.params) == len(second.params))
        or real.order != first.order
        or (real.tail != first.tail)
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
