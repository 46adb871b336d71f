"""Representations built from database rows by a plan compiled once from each serializer.

The serializer is the only definition of a resource's JSON. DRF, for a page of 50 deals, makes some 500 model
instances and walks 4,500 fields through `get_attribute` and `to_representation`; the ORM, before that, compiles a
42-column `values_list` for every request. At one million deals those were nine tenths of a request
(docs/performance.md). `plan_for(SerializerClass)` reads the serializer's fields once and derives from them one
SELECT (the record's columns and every nested single relation as a join) plus one SELECT per nested list (child rows
by parent key), all written once; a request then composes only the filtered, ordered, sliced id query through the
ORM and turns plain rows into the serializer's dicts. A serializer with a field this cannot derive (a method field,
a relation through a custom `to_attr`) has no plan, and DRF renders it. tests/test_representations.py proves the
output equal to DRF's for every plan.
"""

import re
from decimal import Decimal
from types import SimpleNamespace

import django_filters
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import ManyToOneRel, OneToOneRel, QuerySet
from django.db.models.expressions import Col
from django.db.models.query import BaseIterable
from django.urls import get_script_prefix
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from core.db import KeyQuery, key_query, prepared_cursor

# Lookup values that reverse() would put into a URL unchanged.
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER = "8080808080808080"
_shared_templates: dict = {}


class NotCompilable(Exception):
    """A serializer field whose representation cannot be derived from columns; DRF renders that serializer."""


class Links:
    """Absolute URLs for one request: each route reversed once with a placeholder, then filled in by string.
    A page of 50 deals holds about 250 links; reverse() for each was a fifth of the page's time."""

    def __init__(self, request, format):
        self.request, self.format = request, format
        # What reverse() and build_absolute_uri() read besides the route: requests that agree on these share
        # templates, so a route is reversed once per process rather than once per request.
        if getattr(request, "versioning_scheme", None) is None:
            key = (
                request.scheme,
                request.get_host(),
                format,
                request.GET.get(api_settings.URL_FORMAT_OVERRIDE),
                get_script_prefix(),
                getattr(request, "urlconf", None),
            )
            if len(_shared_templates) > 1000:
                _shared_templates.clear()
            self.templates = _shared_templates.setdefault(key, {})
        else:
            self.templates = {}
        self.functions: dict = {}

    def template(self, view_name, kwarg):
        """A function from a lookup value to its absolute URL, exactly as reverse() would make it; one per route
        and request, so slugs repeated on a page are checked once."""
        made = self.functions.get((view_name, kwarg))
        if made is None:
            made = self.functions[(view_name, kwarg)] = self._template(view_name, kwarg)
        return made

    def _template(self, view_name, kwarg):
        parts = self.templates.get((view_name, kwarg), False)
        if parts is False:
            url = reverse(view_name, kwargs={kwarg: _PLACEHOLDER}, request=self.request, format=self.format)
            parts = tuple(url.split(_PLACEHOLDER)) if url.count(_PLACEHOLDER) == 1 else None
            self.templates[(view_name, kwarg)] = parts
        made = {}

        def url(value):
            if parts is not None and type(value) is int:
                return f"{parts[0]}{value}{parts[1]}"
            found = made.get(value)
            if found is None:
                text = str(value)
                if parts is not None and _PLAIN.fullmatch(text):
                    found = parts[0] + text + parts[1]
                else:  # a value reverse() would escape, or a route that cannot be templated
                    found = reverse(view_name, kwargs={kwarg: value}, request=self.request, format=self.format)
                made[value] = found
            return found

        return url


def links_for(request, format) -> Links:
    cache = request.__dict__.setdefault("_representation_links", {})
    links = cache.get(format)
    if links is None:
        links = cache[format] = Links(request, format)
    return links


# --- values: what each DRF field class does to a non-null attribute, without the field's per-call overhead -------


def _decimal(field):
    places = field.decimal_places
    if (
        places is None
        or field.normalize_output
        or field.localize
        or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    ):
        return field.to_representation

    def write(value):
        # Values already at the field's scale are what DRF's quantize would give back.
        if type(value) is Decimal and value.is_finite() and value.as_tuple().exponent == -places:
            return f"{value:f}"
        return field.to_representation(value)

    return write


def _plain_moment(field) -> bool:
    """Whether DRF writes this datetime field as ISO 8601 in the current time zone (then `_moment` does too)."""
    return (
        type(field) is fields.DateTimeField
        and not hasattr(field, "timezone")
        and getattr(field, "format", api_settings.DATETIME_FORMAT).lower() == "iso-8601"
    )


def _moment(value, zone, field):
    """DRF's ISO 8601 text of an aware datetime in `zone` (the current zone, read once per page)."""
    if zone is None or value.utcoffset() is None:
        return field.to_representation(value)
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _current_zone():
    return timezone.get_current_timezone() if settings.USE_TZ else None


def _same(value):
    return value


_INTEGERS = {
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
}
_TEXTS = {"CharField", "TextField", "SlugField", "EmailField", "URLField"}


def _holds_representation(field, column) -> bool:
    """Whether the column's values are already what int() or str() would make of them."""
    kind = type(field)
    if kind in (fields.IntegerField, getattr(fields, "BigIntegerField", None)):
        return column.get_internal_type() in _INTEGERS
    if kind in (fields.CharField, fields.SlugField, fields.EmailField, fields.URLField):
        return column.get_internal_type() in _TEXTS
    return True


def _converter(field):
    """A function from a non-None attribute value to the field's representation; `_same` where the value read from
    the database (after the ORM's own converters) is already it."""
    kind = type(field)
    if kind in (fields.IntegerField, fields.CharField, fields.SlugField, fields.EmailField, fields.URLField):
        # int() and str() of the database's int and str, which is what these fields hold.
        return _same
    if kind is getattr(fields, "BigIntegerField", None) and not getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING
    ):
        return _same
    if kind is fields.BooleanField:
        return lambda value: value if value is True or value is False else field.to_representation(value)
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values
        if all(type(key) is str and key == value for key, value in choices.items()):
            return _same  # str(value) maps to itself, or is missing and comes back as it was
        return lambda value: value if value == "" else choices.get(str(value), value)
    if kind is fields.UUIDField and field.uuid_format == "hex_verbose":
        return str
    if kind in (fields.JSONField, fields.ReadOnlyField) and not getattr(field, "binary", False):
        return _same
    if kind is fields.DateField and getattr(field, "format", api_settings.DATE_FORMAT).lower() == "iso-8601":
        return lambda value: value.isoformat() if type(value) is not str else value
    if kind is fields.DecimalField:
        return _decimal(field)
    return field.to_representation


# --- the query a plan runs ------------------------------------------------------------------------------------------


class Select:
    """Columns of one table and of the tables joined to it along foreign keys, each joined once."""

    def __init__(self, model):
        self.model = model
        # The table keeps its own name, so the ORM's ORDER BY of its key query applies to it unchanged.
        self.base = f'"{model._meta.db_table}"'
        self.aliases = {(): (self.base, model, False)}
        self.joins: list[str] = []
        self.columns: list[tuple[str, object]] = []
        self.positions: dict = {}
        self._converters: dict = {}

    def table(self, path: tuple) -> tuple:
        found = self.aliases.get(path)
        if found is None:
            parent_alias, parent_model, parent_outer = self.table(path[:-1])
            field = parent_model._meta.get_field(path[-1])
            outer = parent_outer or field.null
            alias = f"t{len(self.aliases)}"
            target = field.related_model
            self.joins.append(
                f'{"LEFT JOIN" if outer else "JOIN"} "{target._meta.db_table}" {alias} '
                f'ON {alias}."{field.target_field.column}" = {parent_alias}."{field.column}"'
            )
            found = self.aliases[path] = (alias, target, outer)
        return found

    def column(self, path: tuple, field) -> int:
        """The position of the field's column (of the model at `path`) in each row."""
        key = (path, field.column)
        if key not in self.positions:
            alias = self.table(path)[0]
            self.positions[key] = len(self.columns)
            self.columns.append((alias, field))
        return self.positions[key]

    def sql(self) -> str:
        listed = ", ".join(f'{alias}."{field.column}"' for alias, field in self.columns)
        return f"SELECT {listed} FROM {self.base} {' '.join(self.joins)}".rstrip()

    def converter(self, connection):
        """A function applying to fetched rows what the ORM would apply to each column read through this connection
        (SQLite hands back dates as text, JSON is parsed by the field), or None when no column needs anything.
        Written as one tuple expression per row: a loop over rows and columns took twice as long."""
        found = self._converters.get(connection.alias, False)
        if found is False:
            namespace, values = {}, []
            for position, (alias, field) in enumerate(self.columns):
                expression, value = Col(alias, field), f"r[{position}]"
                converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
                for number, converter in enumerate(converters):
                    name = f"c{position}_{number}"
                    namespace[name], namespace[f"e{name}"] = converter, expression
                    value = f"{name}({value}, e{name}, connection)"
                values.append(value)
            found = None
            if namespace:
                source = f"def convert(rows, connection):\n    return [({', '.join(values)},) for r in rows]\n"
                exec(compile(source, f"<conversions of {self.model.__name__}>", "exec"), namespace)
                found = namespace["convert"]
            self._converters[connection.alias] = found
        return found

    def fetched(self, cursor, connection) -> list:
        rows = cursor.fetchall()
        convert = self.converter(connection)
        return convert(rows, connection) if convert is not None and rows else rows


class Child:
    """Rows of a related model found by their foreign key to the parent, grouped by it: what nested lists over
    one relation read (a deal's `deliveries` and `delivery_years` share one query)."""

    def __init__(self, relation: ManyToOneRel):
        self.model = relation.related_model
        self.select = Select(self.model)
        self.key = self.select.column((), relation.field)
        self.parent_key = relation.field.target_field
        order = []
        for term in self.model._meta.ordering:
            if not isinstance(term, str):
                raise NotCompilable(f"{self.model.__name__} ordering {term!r}")
            name = term.lstrip("-")
            field = self.model._meta.get_field("id" if name == "pk" else name)
            if field is relation.field:
                continue  # rows are grouped by parent, so the parent's own order does not matter within a group
            if field.is_relation:
                raise NotCompilable(f"{self.model.__name__} ordered by the relation {name}")
            order.append(f'{self.select.base}."{field.column}"{" DESC" if term.startswith("-") else ""}')
        self.order = ", ".join(order)
        self.parent_position: int | None = None

    def fetch(self, connection, keys, cursor) -> dict:
        key_column = self.select.columns[self.key][1].column
        if connection.vendor == "postgresql":
            where, params = f'WHERE {self.select.base}."{key_column}" = ANY(%s)', [list(keys)]
        else:
            where, params = f'WHERE {self.select.base}."{key_column}" IN ({", ".join(["%s"] * len(keys))})', list(keys)
        cursor.execute(f"{self.select.sql()} {where}{' ORDER BY ' + self.order if self.order else ''}", params)
        grouped: dict = {}
        for row in self.select.fetched(cursor, connection):
            grouped.setdefault(row[self.key], []).append(row)
        return grouped


class Plan:
    """How to turn a queryset of the serializer's model into its representations: one SELECT for the records and
    their single relations, one per nested relation, and a function written from the serializer's fields that
    makes each row a dict in one expression. Generated code, because a closure per field cost twice the page's
    SQL (2.3 of 10.5 s in a profile of 200 headline requests)."""

    def __init__(self, serializer_class):
        serializer = serializer_class()
        _check_own_representation(serializer)
        self.model = serializer.Meta.model
        self.children: dict[str, Child] = {}
        self.namespace: dict = {}
        self.preamble: list[str] = []
        self.select = Select(self.model)
        self.key = self.select.column((), self.model._meta.pk)
        body = self._object(serializer, self.select, (), self.model, "r", top=True)
        source = "def build(rows, links, kids):\n"
        source += "".join(f"    {line}\n" for line in self.preamble)
        source += f"    return [{body} for r in rows]\n"
        self.source = source
        exec(compile(source, f"<representation of {serializer_class.__qualname__}>", "exec"), self.namespace)
        self.build = self.namespace["build"]

    # Compiling: each method returns a Python expression over the row variable `var` ------------------------------

    def _name(self, prefix: str, value) -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _object(self, serializer, select: Select, path: tuple, model, var: str, *, top: bool) -> str:
        items = [
            f"{name!r}: {self._field(field, select, path, model, var, top=top)}"
            for name, field in serializer.fields.items()
            if not field.write_only
        ]
        return "{" + ", ".join(items) + "}"

    def _field(self, field, select: Select, path: tuple, model, var: str, *, top: bool) -> str:
        if isinstance(field, relations.HyperlinkedIdentityField):
            return self._hyperlink(field, select, path, model, var)
        if isinstance(field, serializers.SerializerMethodField):
            raise NotCompilable(f"method field {field.field_name}")
        if len(field.source_attrs) != 1:
            raise NotCompilable(f"source {field.source!r}")
        source = field.source_attrs[0]
        if isinstance(field, (serializers.ListSerializer, relations.ManyRelatedField)):
            if not top:
                raise NotCompilable(f"nested list {field.field_name} below the top level")
            return self._nested_list(field, model, source, var)
        if isinstance(field, serializers.BaseSerializer):
            _check_own_representation(field)
            relation = _forward(model, source)
            present = select.column(path, relation)
            nested = self._object(field, select, path + (source,), relation.related_model, var, top=False)
            return f"(None if {var}[{present}] is None else {nested})"
        if isinstance(field, relations.SlugRelatedField) and "__" not in field.slug_field:
            relation = _forward(model, source)
            present = select.column(path, relation)
            slug = select.column(path + (source,), relation.related_model._meta.get_field(field.slug_field))
            return f"(None if {var}[{present}] is None else {var}[{slug}])"
        if isinstance(field, (relations.RelatedField, relations.ManyRelatedField)):
            raise NotCompilable(f"{type(field).__name__} {field.field_name}")
        convert = _converter(field)
        try:
            column = model._meta.get_field(source)
        except FieldDoesNotExist:
            column = None
        if column is not None and column.concrete and not column.is_relation:
            value = f"{var}[{select.column(path, column)}]"
            if convert is _same and _holds_representation(field, column):
                return value
            if _plain_moment(field):
                if "zone = " not in "".join(self.preamble):
                    self.namespace["_moment"], self.namespace["_zone"] = _moment, _current_zone
                    self.preamble.insert(0, "zone = _zone()")
                return f"(None if {value} is None else _moment({value}, zone, {self._name('f', field)}))"
            if convert is _same:
                convert = field.to_representation
            return f"(None if {value} is None else {self._name('c', convert)}({value}))"
        if isinstance(getattr(model, source, None), property):
            reader = self._property(model, source, select, path, field.to_representation)
            return f"{self._name('p', reader)}({var})"
        raise NotCompilable(f"source {field.source!r} of {model.__name__}")

    def _hyperlink(self, field, select, path, model, var) -> str:
        base = relations.HyperlinkedRelatedField
        if (
            field.reverse is not reverse
            or field.format
            or any(getattr(type(field), name) is not getattr(base, name) for name in ("get_url", "to_representation"))
        ):
            raise NotCompilable(f"customised hyperlink {field.field_name}")
        lookup = model._meta.pk if field.lookup_field == "pk" else model._meta.get_field(field.lookup_field)
        position = select.column(path, lookup)
        name = f"u{len(self.preamble)}"
        self.preamble.append(f"{name} = links.template({field.view_name!r}, {field.lookup_url_kwarg!r})")
        return f"{name}({var}[{position}])"

    def _property(self, model, source, select, path, convert):
        """A model property (System.label), asked as DRF would ask it: of an object holding the fields it declares
        it reads (core.models.reads), or else of the model made from all its columns."""
        fget = getattr(model, source).fget
        declared = getattr(fget, "reads", None)
        concrete = [model._meta.get_field(name) for name in declared] if declared else model._meta.concrete_fields
        positions = [select.column(path, f) for f in concrete]
        names = [f.attname for f in concrete]

        def value(row):
            values = [row[p] for p in positions]
            owner = (
                SimpleNamespace(**dict(zip(names, values, strict=True)))
                if declared
                else model.from_db(None, names, values)
            )
            found = fget(owner)
            return None if found is None else convert(found)

        return value

    def _nested_list(self, field, model, source, var) -> str:
        relation = next((r for r in model._meta.related_objects if r.get_accessor_name() == source), None)
        if not isinstance(relation, ManyToOneRel) or isinstance(relation, OneToOneRel):
            raise NotCompilable(f"{field.field_name}: not a one-to-many relation")
        if source not in self.children:
            self.children[source] = Child(relation)
            self.children[source].parent_position = self.select.column((), relation.field.target_field)
            self.preamble.append(f"k_{source} = kids[{source!r}]")
        child = self.children[source]
        if isinstance(field, serializers.ListSerializer):
            if type(field).to_representation is not serializers.ListSerializer.to_representation:
                raise NotCompilable(f"customised list serializer {field.field_name}")
            _check_own_representation(field.child)
            item = self._object(field.child, child.select, (), relation.related_model, "c", top=False)
        else:
            slug_field = field.child_relation
            if type(slug_field) is not relations.SlugRelatedField or "__" in slug_field.slug_field:
                raise NotCompilable(f"{field.field_name}: a list of {type(slug_field).__name__}")
            item = f"c[{child.select.column((), relation.related_model._meta.get_field(slug_field.slug_field))}]"
        return f"[{item} for c in k_{source}.get({var}[{child.parent_position}], ())]"

    # Running ---------------------------------------------------------------------------------------------------

    def represent(self, queryset: QuerySet, links: Links, *, prepare: bool = False) -> list[dict]:
        """The representations of the queryset's records (filtered, ordered, sliced), in its order."""
        connection = connections[queryset.db]
        keys = queryset.keys() if isinstance(queryset, Representing) else key_query(queryset)
        if keys is None:
            return []
        page_cursor = prepared_cursor(connection) if prepare else connection.cursor()
        pk = f'{self.select.base}."{self.model._meta.pk.column}"'
        with page_cursor as cursor:
            if keys.order is not None:
                # The key query runs inside the page query, one round trip.
                order = f" ORDER BY {keys.order}" if keys.order else ""
                cursor.execute(f"{self.select.sql()} WHERE {pk} IN ({keys.sql}){order}", keys.params)
                rows = self.select.fetched(cursor, connection)
            else:  # ordered through a join: the keys first, then their rows in that order
                cursor.execute(keys.sql, keys.params)
                position = {row[0]: n for n, row in enumerate(cursor.fetchall())}
                if not position:
                    return []
                cursor.execute(
                    f"{self.select.sql()} WHERE {pk} IN ({', '.join(['%s'] * len(position))})", list(position)
                )
                rows = sorted(self.select.fetched(cursor, connection), key=lambda row: position[row[self.key]])
        if not rows:
            return []
        kids = {}
        if self.children:
            with prepared_cursor(connection) as cursor:
                for source, child in self.children.items():
                    kids[source] = child.fetch(connection, sorted({row[child.parent_position] for row in rows}), cursor)
        return self.build(rows, links, kids)


def _check_own_representation(serializer):
    own = type(serializer).to_representation
    if own is not serializers.Serializer.to_representation:
        raise NotCompilable(f"{type(serializer).__name__} has its own to_representation")


def _forward(model, source):
    try:
        relation = model._meta.get_field(source)
    except FieldDoesNotExist as error:
        raise NotCompilable(f"{model.__name__}.{source} is not a field") from error
    if not (relation.many_to_one and relation.concrete):
        raise NotCompilable(f"{model.__name__}.{source} is not a foreign key")
    return relation


_plans: dict = {}


def plan_for(serializer_class) -> Plan | None:
    """The serializer's compiled plan, or None when DRF has to render it (the reason is in `not_compiled`)."""
    if serializer_class not in _plans:
        try:
            _plans[serializer_class] = Plan(serializer_class)
        except NotCompilable as error:
            _plans[serializer_class] = None
            not_compiled[serializer_class] = str(error)
    return _plans[serializer_class]


not_compiled: dict = {}


# --- key queries compiled once per filter shape -------------------------------------------------------------------

EMPTY = object()  # the filters can match nothing
_MAX_SENTINELS = 200
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


class _Representations(BaseIterable):
    plan: Plan
    links: Links
    prepare = False

    def __iter__(self):
        yield from self.plan.represent(self.queryset, self.links, prepare=self.prepare)


class Representing(QuerySet):
    """A queryset that evaluates to representation dicts, so DRF's paginators and slicing work unchanged. Its key
    query is compiled once for the count and the page sliced from it (compiling it was an eighth of a page)."""

    unsliced_keys = None
    keys_given = False  # the key query came with the queryset (shape_keys), whose own query is not filtered

    def keys(self) -> KeyQuery | None:
        if self.keys_given or (self.query.is_sliced and self.unsliced_keys is not None):
            if self.unsliced_keys is None:
                return None
            return (
                self.unsliced_keys.sliced(self.query, connections[self.db])
                if self.query.is_sliced
                else (self.unsliced_keys)
            )
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
            return super().count()
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
