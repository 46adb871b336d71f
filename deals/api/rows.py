"""Deal representations built straight from database rows: the same JSON as DealSerializer, without model instances.

A page of 50 deals through the ORM and DRF makes some 500 model instances, 100 prefetch querysets and 4,500 field
visits; at one million deals that was 90% of a request (docs/performance.md). Here the page is three queries of
plain tuples (deals with parties and system, citations with sources, deliveries) turned into dicts by hand. The
queries and their count are the ORM path's; the filters, ordering and pagination are untouched, because this only
replaces how a filtered, ordered, sliced queryset turns into results.

The output must equal DealSerializer's: `representation_matches()` compares the serializers' field lists with what
is built here and turns this path off if they differ (so a field added to the serializer cannot go missing here),
and tests/test_fast_read.py compares both outputs on varied data.
"""
import logging
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import BaseIterable, QuerySet
from django.utils import timezone
from rest_framework.settings import api_settings

from core.api.fast import Links
from core.db import prepared_cursor
from deals.models import Delivery
from sources.models import Citation

log = logging.getLogger(__name__)

DEAL_COLUMNS = (
    "id", "uid", "kind", "status", "year", "year_is_estimate", "date", "date_precision", "quantity_ordered",
    "quantity_ordered_is_estimate", "quantity_delivered", "quantity_delivered_is_estimate", "quantity_text",
    "condition", "value", "currency", "sipri_id", "tiv_per_unit", "tiv_total", "tiv_delivered", "locked_fields",
    "review_status", "notes", "created", "updated",
    "supplier_id", "supplier__slug", "supplier__name", "supplier__kind", "supplier__iso2",
    "recipient_id", "recipient__slug", "recipient__name", "recipient__kind", "recipient__iso2",
    "system_id", "system__slug", "system__designation", "system__name", "system__description",
    "system__category__slug", "system__is_generic",
)
LOCKED = DEAL_COLUMNS.index("locked_fields")  # JSON: raw SQL gets it as text, as JSONField.from_db_value expects
CITATION_COLUMNS = (
    "deal_id", "id", "quote", "locator", "stance", "hedge", "hedge_text", "note",
    "source_id", "source__kind", "source__title", "source__publisher", "source__published_on", "source__url",
)
DELIVERY_COLUMNS = ("deal_id", "year", "year_is_estimate", "quantity", "quantity_is_estimate")

# The representation built below, field by field, as DealSerializer and its nested serializers declare it.
SHAPE = {
    "DealSerializer": [
        "id", "url", "uid", "supplier", "recipient", "system", "kind", "status", "year", "year_is_estimate",
        "date", "date_precision", "quantity_ordered", "quantity_ordered_is_estimate", "quantity_delivered",
        "quantity_delivered_is_estimate", "quantity_text", "delivery_years", "deliveries", "condition", "value",
        "currency", "sipri_id", "tiv_per_unit", "tiv_total", "tiv_delivered", "locked_fields", "review_status",
        "notes", "citations", "created", "updated",
    ],
    "ActorBriefSerializer": ["id", "url", "slug", "name", "kind", "iso2"],
    "SystemBriefSerializer": ["id", "url", "slug", "name", "designation", "description", "category", "is_generic"],
    "DeliverySerializer": ["year", "year_is_estimate", "quantity", "quantity_is_estimate"],
    "CitationInlineSerializer": ["id", "url", "quote", "locator", "stance", "hedge", "hedge_text", "note", "source"],
    "SourceBriefSerializer": ["id", "url", "kind", "title", "publisher", "published_on", "link"],
}
# Fields whose DRF class, and so formatting, this module reproduces; any other class turns the path off.
FIELD_CLASSES = {
    "DealSerializer": {
        "id": "IntegerField", "url": "HyperlinkedIdentityField", "uid": "UUIDField", "kind": "ChoiceField",
        "status": "ChoiceField", "year": "IntegerField", "year_is_estimate": "BooleanField", "date": "DateField",
        "date_precision": "ChoiceField", "quantity_ordered": "IntegerField",
        "quantity_ordered_is_estimate": "BooleanField", "quantity_delivered": "IntegerField",
        "quantity_delivered_is_estimate": "BooleanField", "quantity_text": "CharField",
        "delivery_years": "SerializerMethodField", "condition": "ChoiceField", "value": "DecimalField",
        "currency": "CharField", "sipri_id": "IntegerField", "tiv_per_unit": "DecimalField",
        "tiv_total": "DecimalField", "tiv_delivered": "DecimalField", "locked_fields": "JSONField",
        "review_status": "ChoiceField", "notes": "CharField", "created": "DateTimeField", "updated": "DateTimeField",
    },
    "SystemBriefSerializer": {"name": "CharField", "category": "SlugRelatedField"},
    "SourceBriefSerializer": {"link": "CharField", "published_on": "DateField"},
}


@cache
def representation_matches() -> bool:
    """Whether DealSerializer still shows exactly what this module builds, formatted the way it formats."""
    from deals.api.serializers import DealSerializer

    problems = []
    if api_settings.DATETIME_FORMAT.lower() != "iso-8601" or api_settings.DATE_FORMAT.lower() != "iso-8601":
        problems.append("date formats other than ISO 8601")
    if not settings.USE_TZ or not api_settings.COERCE_DECIMAL_TO_STRING:
        problems.append("USE_TZ off or decimals as numbers")

    def visit(serializer):
        name = type(serializer).__name__
        fields = serializer.fields
        if list(fields) != SHAPE.get(name):
            problems.append(f"{name} fields {list(fields)}")
            return
        for field_name, kind in FIELD_CLASSES.get(name, {}).items():
            field = fields[field_name]
            actual = type(field).__name__
            if actual == "BigIntegerField" and not getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
                actual = "IntegerField"  # DRF's for big keys: an int unless told to write it as a string
            if actual != kind:
                problems.append(f"{name}.{field_name} is a {type(field).__name__}")
        for field in fields.values():
            child = getattr(field, "child", field)
            if hasattr(child, "fields") and not isinstance(child, type(serializer)):
                visit(child)

    visit(DealSerializer())
    if problems:
        log.warning("Deal rows path off; DealSerializer changed: %s", "; ".join(problems))
    return not problems


def _decimal_writer(field):
    """DRF's DecimalField output for non-null values. Values the database returns already at the field's scale are
    what its quantize would give back, so they skip it (a twentieth of a page of 50 deals)."""
    places = field.decimal_places
    if (places is None or field.normalize_output or field.localize
            or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)):
        return field.to_representation

    def write(value):
        if type(value) is Decimal and value.is_finite() and value.as_tuple().exponent == -places:
            return f"{value:f}"
        return field.to_representation(value)

    return write


@cache
def _decimal_writers():
    from deals.api.serializers import DealSerializer

    fields = DealSerializer().fields
    return tuple(_decimal_writer(fields[name]) for name in ("value", "tiv_per_unit", "tiv_total", "tiv_delivered"))


def _grouped(rows) -> dict:
    grouped = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    return grouped


def build(rows, citations, deliveries, links: Links) -> list[dict]:
    """The representations of deal rows (DEAL_COLUMNS), with their citation and delivery rows grouped by deal."""
    tz = timezone.get_current_timezone()
    value_text, tiv_unit_text, tiv_total_text, tiv_delivered_text = _decimal_writers()
    deal_url = links.template("deal-detail", "pk")
    actor_url = links.template("actor-detail", "slug")
    system_url = links.template("system-detail", "slug")
    citation_url = links.template("citation-detail", "pk")
    source_url = links.template("source-detail", "pk")

    def moment(value):
        if value is None:
            return None
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    out = []
    for (deal_id, uid, kind, status, year, year_estimate, date, precision, ordered, ordered_estimate, delivered,
         delivered_estimate, quantity_text, condition, value, currency, sipri_id, tiv_unit, tiv_total, tiv_delivered,
         locked, review, notes, created, updated,
         s_id, s_slug, s_name, s_kind, s_iso2, r_id, r_slug, r_name, r_kind, r_iso2,
         y_id, y_slug, y_designation, y_name, y_description, y_category, y_generic) in rows:
        shipped = [
            {"year": d[1], "year_is_estimate": d[2], "quantity": d[3], "quantity_is_estimate": d[4]}
            for d in deliveries.get(deal_id, ())
        ]
        evidence = [
            {"id": c[1], "url": citation_url(c[1]), "quote": c[2], "locator": c[3], "stance": c[4], "hedge": c[5],
             "hedge_text": c[6], "note": c[7],
             "source": {"id": c[8], "url": source_url(c[8]), "kind": c[9], "title": c[10], "publisher": c[11],
                        "published_on": None if c[12] is None else c[12].isoformat(), "link": c[13]}}
            for c in citations.get(deal_id, ())
        ]
        out.append({
            "id": deal_id, "url": deal_url(deal_id), "uid": None if uid is None else str(uid),
            "supplier": {"id": s_id, "url": actor_url(s_slug), "slug": s_slug, "name": s_name, "kind": s_kind,
                         "iso2": s_iso2},
            "recipient": {"id": r_id, "url": actor_url(r_slug), "slug": r_slug, "name": r_name, "kind": r_kind,
                          "iso2": r_iso2},
            "system": {"id": y_id, "url": system_url(y_slug), "slug": y_slug, "name": y_designation or y_name,
                       "designation": y_designation, "description": y_description, "category": y_category,
                       "is_generic": y_generic},
            "kind": kind, "status": status, "year": year, "year_is_estimate": year_estimate,
            "date": None if date is None else date.isoformat(), "date_precision": precision,
            "quantity_ordered": ordered, "quantity_ordered_is_estimate": ordered_estimate,
            "quantity_delivered": delivered, "quantity_delivered_is_estimate": delivered_estimate,
            "quantity_text": quantity_text, "delivery_years": [d["year"] for d in shipped], "deliveries": shipped,
            "condition": condition, "value": None if value is None else value_text(value), "currency": currency,
            "sipri_id": sipri_id, "tiv_per_unit": None if tiv_unit is None else tiv_unit_text(tiv_unit),
            "tiv_total": None if tiv_total is None else tiv_total_text(tiv_total),
            "tiv_delivered": None if tiv_delivered is None else tiv_delivered_text(tiv_delivered),
            "locked_fields": locked, "review_status": review, "notes": notes, "citations": evidence,
            "created": moment(created), "updated": moment(updated),
        })
    return out


def _select(model, lookups) -> tuple[str, str]:
    """SELECT list and FROM clause for lookups like `supplier__slug` on deals, joining each relation once."""
    aliases, joins, columns = {(): "d"}, [], []
    for lookup in lookups:
        *path, name = lookup.split("__")
        owner, alias = model, "d"
        for depth, step in enumerate(path, 1):
            field = owner._meta.get_field(step)
            key = tuple(path[:depth])
            if key not in aliases:
                aliases[key] = f"j{len(aliases)}"
                target = field.related_model
                joins.append(f'JOIN "{target._meta.db_table}" {aliases[key]} '
                             f'ON {aliases[key]}."{target._meta.pk.column}" = {alias}."{field.column}"')
            owner, alias = field.related_model, aliases[key]
        columns.append(f'{alias}."{owner._meta.get_field(name).column}"')
    return ", ".join(columns), f'"{model._meta.db_table}" d ' + " ".join(joins)


@cache
def _statements():
    from deals.models import Deal

    deal_select, deal_from = _select(Deal, DEAL_COLUMNS)
    citation_select, citation_from = _select(Citation, CITATION_COLUMNS)
    delivery_select, delivery_from = _select(Delivery, DELIVERY_COLUMNS)
    return (
        f"SELECT {deal_select} FROM {deal_from} WHERE d.id IN ({{inner}}) ORDER BY d.id {{direction}}",
        f"SELECT {citation_select} FROM {citation_from} WHERE d.deal_id = ANY(%s) ORDER BY d.id",
        f"SELECT {delivery_select} FROM {delivery_from} WHERE d.deal_id = ANY(%s) ORDER BY d.year",
    )


def id_direction(queryset) -> str | None:
    """ASC or DESC when the queryset is ordered by id alone, or not at all; None for any other ordering."""
    query = queryset.query
    order = tuple(query.order_by) or (tuple(queryset.model._meta.ordering) if query.default_ordering else ())
    if query.extra_order_by or not all(isinstance(item, str) for item in order):
        return None
    return {(): "ASC", ("id",): "ASC", ("pk",): "ASC", ("-id",): "DESC", ("-pk",): "DESC"}.get(order)


def id_subquery(queryset) -> tuple[str, tuple] | None:
    """The SQL selecting the queryset's deal ids, with its ordering and slice, and its parameters; None when its
    filters can match no row (the ORM answers those without a query)."""
    try:
        return queryset.values("id").query.sql_with_params()
    except EmptyResultSet:
        return None


class DealRepresentations(BaseIterable):
    """Evaluates a deal queryset (filtered, ordered, sliced) into representations: three queries, no instances.
    On PostgreSQL with the usual id ordering the SQL is written once and only the filtered ids come from the ORM;
    otherwise the ORM composes all three queries."""

    links: Links
    # Set for one deal by id and for unfiltered pages, whose plan suits every parameter; a filtered page's best plan
    # depends on the values (a rare recipient wants its index, the largest supplier the primary key's order).
    prepare_page = False

    def __iter__(self):
        queryset = self.queryset
        connection = connections[queryset.db]
        direction = id_direction(queryset)
        if connection.vendor == "postgresql" and direction is not None:
            deal_sql, citation_sql, delivery_sql = _statements()
            selected = id_subquery(queryset)
            if selected is None:
                return
            inner, params = selected
            json_field = queryset.model._meta.get_field("locked_fields")
            page_cursor = prepared_cursor(connection) if self.prepare_page else connection.cursor()
            with page_cursor as cursor:
                cursor.execute(deal_sql.format(inner=inner, direction=direction), params)
                rows = [row[:LOCKED] + (json_field.from_db_value(row[LOCKED], None, connection),) + row[LOCKED + 1:]
                        for row in cursor.fetchall()]
            if not rows:
                return
            ids = [row[0] for row in rows]
            with prepared_cursor(connection) as cursor:
                cursor.execute(citation_sql, [ids])
                citations = _grouped(cursor.fetchall())
                cursor.execute(delivery_sql, [ids])
                deliveries = _grouped(cursor.fetchall())
        else:
            rows = list(queryset.values_list(*DEAL_COLUMNS))
            if not rows:
                return
            ids = [row[0] for row in rows]
            citations = _grouped(Citation.objects.using(queryset.db).filter(deal_id__in=ids).order_by("id")
                                 .values_list(*CITATION_COLUMNS))
            deliveries = _grouped(Delivery.objects.using(queryset.db).filter(deal_id__in=ids).order_by("year")
                                  .values_list(*DELIVERY_COLUMNS))
        yield from build(rows, citations, deliveries, self.links)


class Representations(QuerySet):
    """A deal queryset that evaluates to representations (DealRepresentations) and, on PostgreSQL, counts with a
    plain COUNT over its compiled SQL: Django's count() rebuilds the query as an aggregation, which was a sixth of
    a filtered page's CPU time (docs/performance.md). Same number of queries, same result."""

    def count(self):
        connection = connections[self.db]
        if self._result_cache is not None or self.query.is_sliced or connection.vendor != "postgresql":
            return super().count()
        selected = id_subquery(self.order_by())
        if selected is None:
            return 0
        inner, params = selected
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({inner}) counted", params)
            return cursor.fetchone()[0]


def representing(queryset, links: Links, *, one: bool = False):
    """The queryset, evaluating to representation dicts instead of deals (for pagination, slicing and get()).
    `one`: the page query's plan does not depend on its parameters, so the server may keep it prepared."""
    iterable = type("DealRepresentationsForRequest", (DealRepresentations,), {"links": links, "prepare_page": one})
    clone = Representations(model=queryset.model, query=queryset.query.chain(), using=queryset._db,
                            hints=queryset._hints)
    clone._iterable_class = iterable
    return clone
