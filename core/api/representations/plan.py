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

from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import ManyToOneRel, OneToOneRel, QuerySet
from django.db.models.expressions import Col
from rest_framework import relations, serializers
from rest_framework.reverse import reverse

from core.api.fields import FirstItems, ItemCount, ListLinkField, PageLinkField
from core.db import key_query, prepared_cursor

from .links import Links
from .values import converter_for, current_zone, faster_converter, holds_representation, moment, plain_moment, same

COMPILE = object()


class NotCompilable(Exception):
    """A serializer field whose representation cannot be derived from columns; DRF renders that serializer."""


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
        # Columns whose every reader writes them with str(): a converter may hand back their text form instead.
        self.text_only: dict[int, bool] = {}
        self._converters: dict = {}
        self._sql = None

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

    def column(self, path: tuple, field, *, as_text: bool = False) -> int:
        """The position of the field's column (of the model at `path`) in each row; `as_text` when this reader
        writes the value with str()."""
        key = (path, field.column)
        if key not in self.positions:
            alias = self.table(path)[0]
            self.positions[key] = len(self.columns)
            self.columns.append((alias, field))
        position = self.positions[key]
        self.text_only[position] = self.text_only.get(position, True) and as_text
        return position

    def sql(self, extra: str = "") -> str:
        """The SELECT, written once its columns are all known (a plan adds none after it is compiled); `extra`
        columns follow the plan's, where no converter reads them."""
        if self._sql is None or self._sql[:2] != (len(self.columns), extra):
            listed = ", ".join(
                [f'{alias}."{field.column}"' for alias, field in self.columns] + ([extra] if extra else [])
            )
            self._sql = (len(self.columns), extra, f"SELECT {listed} FROM {self.base} {' '.join(self.joins)}".rstrip())
        return self._sql[2]

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
                    converter = faster_converter(converter, expression, connection, self.text_only[position])
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
        return self.convert(cursor.fetchall(), connection)

    def convert(self, rows, connection) -> list:
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
        # The most items any field shows of this relation (core.api.fields.FirstItems); None: every item.
        self.limit: int | None = 0
        self.counted = False  # a field reads how many items each parent has (core.api.fields.ItemCount)

    def bound(self, limit: int | None):
        self.limit = None if limit is None or self.limit is None else max(self.limit, limit)

    def fetch(self, connection, keys, cursor) -> tuple[dict, dict]:
        """The rows of each parent, at most `limit` of them, and how many each parent has in all (None when no field
        asks and nothing is cut)."""
        key = f'{self.select.base}."{self.select.columns[self.key][1].column}"'
        if connection.vendor == "postgresql":
            where, params = f"WHERE {key} = ANY(%s)", [list(keys)]
        else:
            where, params = f"WHERE {key} IN ({', '.join(['%s'] * len(keys))})", list(keys)
        if self.limit is None:
            cursor.execute(f"{self.select.sql()} {where}{' ORDER BY ' + self.order if self.order else ''}", params)
        else:
            # Numbered within each parent and counted in the same pass, so a parent with a million children
            # costs its first `limit` rows and a count, in one query.
            order = self.order or f'{self.select.base}."{self.model._meta.pk.column}"'
            window = (
                f'ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {order}) AS "_number", '
                f'COUNT(*) OVER (PARTITION BY {key}) AS "_count"'
            )
            cursor.execute(
                f'SELECT * FROM ({self.select.sql(window)} {where}) "_items" '
                f'WHERE "_number" <= {self.limit:d} ORDER BY "_number"',
                params,
            )
        raw = cursor.fetchall()
        grouped: dict = {}
        for row in self.select.convert(raw, connection):
            grouped.setdefault(row[self.key], []).append(row)
        if self.limit is not None:
            return grouped, {row[self.key]: row[-1] for row in raw}
        return grouped, {key: len(items) for key, items in grouped.items()} if self.counted else None


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
        if type(field) is ListLinkField:
            position = select.column(path, model._meta.pk)
            name = f"u{len(self.preamble)}"
            self.preamble.append(f"{name} = links.list_link({field.view_name!r}, {field.filter_name!r})")
            return f"{name}({var}[{position}])"
        if type(field) is PageLinkField:
            lookup = model._meta.pk if field.lookup_field == "pk" else model._meta.get_field(field.lookup_field)
            return self._link("page", field.view_name, field.lookup_field, select.column(path, lookup), var)
        if isinstance(field, serializers.SerializerMethodField):
            raise NotCompilable(f"method field {field.field_name}")
        if len(field.source_attrs) != 1:
            raise NotCompilable(f"source {field.source!r}")
        source = field.source_attrs[0]
        if type(field) is ItemCount:
            if not top:
                raise NotCompilable(f"count {field.field_name} below the top level")
            child = self._child(model, source, field)
            child.counted = True
            return f"n_{source}.get({var}[{child.parent_position}], 0)"
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
        convert = converter_for(field)
        try:
            column = model._meta.get_field(source)
        except FieldDoesNotExist:
            column = None
        if column is not None and column.concrete and not column.is_relation:
            value = f"{var}[{select.column(path, column, as_text=convert is str)}]"
            if convert is same and holds_representation(field, column):
                return value
            if plain_moment(field):
                if "zone = " not in "".join(self.preamble):
                    self.namespace["moment"], self.namespace["_zone"] = moment, current_zone
                    self.preamble.insert(0, "zone = _zone()")
                return f"(None if {value} is None else moment({value}, zone, {self._name('f', field)}))"
            if convert is same:
                convert = field.to_representation
            return f"(None if {value} is None else {self._name('c', convert)}({value}))"
        if isinstance(getattr(model, source, None), property):
            return self._property(model, source, select, path, field.to_representation, var)
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
        return self._link("template", field.view_name, field.lookup_url_kwarg, select.column(path, lookup), var)

    def _link(self, kind: str, view_name: str, kwarg: str, position: int, var: str) -> str:
        """The URL of the record whose lookup value is at `position`, by a template of `links` made once per page."""
        name = f"u{len(self.preamble)}"
        self.preamble.append(f"{name} = links.{kind}({view_name!r}, {kwarg!r})")
        return f"{name}({var}[{position}])"

    def _property(self, model, source, select, path, convert, var) -> str:
        """A model property (System.label), asked as DRF would ask it: of an object holding the fields it declares
        it reads (core.models.reads), or else of the model made from all its columns."""
        fget = getattr(model, source).fget
        declared = getattr(fget, "reads", None)
        concrete = [model._meta.get_field(name) for name in declared] if declared else model._meta.concrete_fields
        positions = [select.column(path, f) for f in concrete]
        names = [f.attname for f in concrete]

        def value(owner):
            found = fget(owner)
            return None if found is None else convert(found)

        if declared:  # the object written out in the generated code: building it from lists was 2% of a deal page
            self.namespace["SimpleNamespace"] = SimpleNamespace
            owner = ", ".join(f"{name}={var}[{position}]" for name, position in zip(names, positions, strict=True))
            return f"{self._name('p', value)}(SimpleNamespace({owner}))"
        model_from = self._name("m", lambda row: model.from_db(None, names, [row[p] for p in positions]))
        return f"{self._name('p', value)}({model_from}({var}))"

    def _child(self, model, source, field) -> Child:
        """The rows of the one-to-many relation `source`, fetched once for every field that reads them."""
        relation = next((r for r in model._meta.related_objects if r.get_accessor_name() == source), None)
        if not isinstance(relation, ManyToOneRel) or isinstance(relation, OneToOneRel):
            raise NotCompilable(f"{field.field_name}: not a one-to-many relation")
        if source not in self.children:
            self.children[source] = Child(relation)
            self.children[source].parent_position = self.select.column((), relation.field.target_field)
            self.preamble.append(f"k_{source}, n_{source} = kids[{source!r}]")
        return self.children[source]

    def _nested_list(self, field, model, source, var) -> str:
        child = self._child(model, source, field)
        limit = field.limit if type(field) is FirstItems else None
        child.bound(limit)
        if isinstance(field, serializers.ListSerializer):
            if type(field).to_representation not in (
                serializers.ListSerializer.to_representation,
                FirstItems.to_representation,
            ):
                raise NotCompilable(f"customised list serializer {field.field_name}")
            _check_own_representation(field.child)
            item = self._object(field.child, child.select, (), child.model, "c", top=False)
        else:
            slug_field = field.child_relation
            if type(slug_field) is not relations.SlugRelatedField or "__" in slug_field.slug_field:
                raise NotCompilable(f"{field.field_name}: a list of {type(slug_field).__name__}")
            item = f"c[{child.select.column((), child.model._meta.get_field(slug_field.slug_field))}]"
        items = f"k_{source}.get({var}[{child.parent_position}], ())"
        if limit is not None:
            items = f"{items}[:{limit:d}]"
        return f"[{item} for c in {items}]"

    # Running ---------------------------------------------------------------------------------------------------

    def represent(self, queryset: QuerySet, links: Links, *, prepare: bool = False, keys=COMPILE) -> list[dict]:
        """The representations of the queryset's records (filtered, ordered, sliced), in its order. `keys`: its key
        query when the caller has it already (None: it matches nothing); by default it is compiled here."""
        connection = connections[queryset.db]
        if keys is COMPILE:
            keys = key_query(queryset)
        if keys is None:
            return []
        page_cursor = prepared_cursor(connection) if prepare else connection.cursor()
        pk = f'{self.select.base}."{self.model._meta.pk.column}"'
        with page_cursor as cursor:
            if keys.order is not None:
                # The key query runs inside the page query, one round trip. On PostgreSQL as an array computed
                # first: with `IN` and many joins (past join_collapse_limit) the planner may join every row before
                # the semi-join picks the page, 2.8 s for a page of a million-row source's citations; 2 ms this way.
                order = f" ORDER BY {keys.order}" if keys.order else ""
                within = f"= ANY(ARRAY({keys.sql}))" if connection.vendor == "postgresql" else f"IN ({keys.sql})"
                cursor.execute(f"{self.select.sql()} WHERE {pk} {within}{order}", keys.params)
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
