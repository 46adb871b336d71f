"""Read representations without DRF's per-field machinery, producing exactly what the serializers produce.

DRF builds every nested serializer's fields anew for each response, and for each field of each object walks
`get_attribute`, `to_representation` and, for hyperlinks, a full `reverse()`. On a page of 50 deals with their
parties, system, citations, sources and deliveries that is about 4,500 field visits and 250 reverses, most of a
request's time. `FastReadMixin` compiles a serializer class once into a plan of plain steps (cached per class), and
builds each hyperlink from a per-request template. Field types it does not know, and any object it cannot handle,
fall back to DRF's own code, so the output never differs; `tests/test_fast_read.py` compares them.
"""
import re
from operator import attrgetter

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from django.urls import get_script_prefix
from rest_framework import fields, relations, serializers
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

# Lookup values that reverse() would put into a URL unchanged.
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER = "8080808080808080"
_shared_templates: dict = {}


class Unsupported(Exception):
    """A serializer this module does not compile; DRF's own to_representation is used for it."""


def _identity(value):
    return value


def _converter(field):
    """A function from a non-None attribute value to the field's representation, or the field's own method."""
    kind = type(field)
    if kind in (fields.IntegerField,):
        return int
    if kind in (fields.CharField, fields.SlugField, fields.EmailField, fields.URLField):
        return str
    if kind is fields.BooleanField:
        return lambda value: value if value is True or value is False else field.to_representation(value)
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values
        return lambda value: value if value == "" else choices.get(str(value), value)
    if kind is fields.UUIDField and field.uuid_format == "hex_verbose":
        return str
    if kind is fields.JSONField and not field.binary:
        return _identity
    if kind is fields.ReadOnlyField:
        return _identity
    if kind is fields.DateField and getattr(field, "format", api_settings.DATE_FORMAT).lower() == "iso-8601":
        return lambda value: value.isoformat() if type(value) is not str else value
    if kind is relations.SlugRelatedField and "__" not in field.slug_field:
        return attrgetter(field.slug_field)
    return field.to_representation


def _getter(field):
    """A function returning the field's attribute of an object, as DRF's get_attribute does for a one-step source;
    the cases where DRF would apply defaults, skip the field or call the attribute are left to DRF."""
    attrs = field.source_attrs
    if len(attrs) != 1:
        raise Unsupported(f"source {field.source!r}")
    get = attrgetter(attrs[0])

    def attribute(obj):
        try:
            value = get(obj)
        except ObjectDoesNotExist:
            return None
        except (AttributeError, KeyError) as error:
            raise Unsupported("attribute DRF would default or skip") from error
        if callable(value) and not isinstance(value, BaseManager):
            raise Unsupported("callable attribute")
        return value

    return attribute


class Links:
    """Absolute URLs for one request: each route reversed once with a placeholder, then filled in by string."""

    def __init__(self, request, format):
        self.request, self.format = request, format
        # What reverse() and build_absolute_uri() read besides the route: requests that agree on these share
        # templates, so a route is reversed once per process rather than once per request.
        if getattr(request, "versioning_scheme", None) is None:
            key = (request.scheme, request.get_host(), format, request.GET.get(api_settings.URL_FORMAT_OVERRIDE),
                   get_script_prefix(), getattr(request, "urlconf", None))
            if len(_shared_templates) > 1000:
                _shared_templates.clear()
            self.templates = _shared_templates.setdefault(key, {})
        else:
            self.templates = {}

    def _parts(self, view_name, kwarg) -> tuple[str, str]:
        """The route's absolute URL around its lookup value, reversed once."""
        template = self.templates.get((view_name, kwarg))
        if template is None:
            url = reverse(view_name, kwargs={kwarg: _PLACEHOLDER}, request=self.request, format=self.format)
            if url.count(_PLACEHOLDER) != 1:
                raise Unsupported(f"cannot template {view_name}")
            template = self.templates[(view_name, kwarg)] = tuple(url.split(_PLACEHOLDER))
        return template

    def url(self, view_name, kwarg, value):
        """The URL reverse() would give, or None for a value it would escape."""
        text = str(value)
        if not _PLAIN.fullmatch(text):
            return None
        before, after = self._parts(view_name, kwarg)
        return before + text + after

    def template(self, view_name, kwarg):
        """A function from a lookup value to its absolute URL, as reverse() would make it. Keys are formatted
        directly; other values (slugs, which repeat on a page) are checked once and remembered."""
        before, after = self._parts(view_name, kwarg)
        made = {}

        def url(value):
            if type(value) is int:
                return f"{before}{value}{after}"
            found = made.get(value)
            if found is None:
                found = self.url(view_name, kwarg, value) or reverse(
                    view_name, kwargs={kwarg: value}, request=self.request, format=self.format
                )
                made[value] = found
            return found

        return url


def links_for(context) -> Links | None:
    request = context.get("request")
    if request is None:
        return None
    format = context.get("format")
    cache = request.__dict__.setdefault("_fast_links", {})
    links = cache.get(format)
    if links is None:
        links = cache[format] = Links(request, format)
    return links


def _hyperlink_step(field):
    base = relations.HyperlinkedRelatedField
    if field.reverse is not reverse or any(
        getattr(type(field), name) is not getattr(base, name) for name in ("get_url", "to_representation")
    ):
        raise Unsupported("customised hyperlink")
    view_name, kwarg, lookup = field.view_name, field.lookup_url_kwarg, attrgetter(field.lookup_field)
    own_format = field.format

    def url(obj, links, serializer):
        if links is None or (own_format and links.format and own_format != links.format):
            raise Unsupported("no request, or a format of its own")
        if obj.pk in (None, ""):
            return None
        made = links.url(view_name, kwarg, lookup(obj))
        if made is None:  # a value reverse() would escape: let DRF do it
            return field.to_representation(obj)
        return made

    return url


def compile_plan(serializer_class, *, top: bool) -> list:
    """[(name, step)] where step(obj, links, serializer) gives the field's representation of obj. Only the top
    level has its serializer instance at hand, so only there may a method field run."""
    own = serializer_class.to_representation
    if own is not serializers.Serializer.to_representation and own is not FastReadMixin.to_representation:
        raise Unsupported(f"{serializer_class.__name__} has its own to_representation")
    if FastReadMixin in serializer_class.__mro__:
        after = serializer_class.__mro__[serializer_class.__mro__.index(FastReadMixin) + 1:]
        inherited = next(c.__dict__["to_representation"] for c in after if "to_representation" in c.__dict__)
        if inherited is not serializers.Serializer.to_representation:
            raise Unsupported(f"{serializer_class.__name__} inherits its own to_representation")
    serializer = serializer_class()
    return [(name, _step(field, top=top)) for name, field in serializer.fields.items() if not field.write_only]


def _step(field, *, top):
    if isinstance(field, relations.HyperlinkedIdentityField):
        return _hyperlink_step(field)
    if isinstance(field, serializers.SerializerMethodField):
        if not top:
            raise Unsupported("method field in a nested serializer")
        method_name = field.method_name
        return lambda obj, links, serializer: getattr(serializer, method_name)(obj)
    attribute = _getter(field)
    if isinstance(field, serializers.ListSerializer):
        if type(field).to_representation is not serializers.ListSerializer.to_representation:
            raise Unsupported("customised list serializer")
        child = plan_for(type(field.child), top=False)

        def many(obj, links, serializer):
            value = attribute(obj)
            if value is None:
                return None
            items = value.all() if isinstance(value, BaseManager) else value
            return [{name: step(item, links, None) for name, step in child} for item in items]

        return many
    if isinstance(field, serializers.BaseSerializer):
        nested = plan_for(type(field), top=False)

        def one(obj, links, serializer):
            value = attribute(obj)
            return None if value is None else {name: step(value, links, None) for name, step in nested}

        return one
    # Other relations read only the key (DRF's pk-only optimisation) or need the context; DRF handles them.
    if isinstance(field, (relations.RelatedField, relations.ManyRelatedField)) and (
        type(field) is not relations.SlugRelatedField
    ):
        raise Unsupported(f"{type(field).__name__}")
    convert = _converter(field)

    def plain(obj, links, serializer):
        value = attribute(obj)
        return None if value is None else convert(value)

    return plain


_plans: dict = {}


def plan_for(serializer_class, *, top: bool) -> list:
    key = (serializer_class, top)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = compile_plan(serializer_class, top=top)
    return plan


class FastReadMixin:
    """For read-only representations: compiled once per class, DRF's own path for anything it cannot compile."""

    def to_representation(self, instance):
        key = (type(self), True)
        plan = _plans.get(key)
        if plan is None:
            try:
                plan = plan_for(type(self), top=True)
            except Unsupported:
                plan = _plans[key] = False
        if plan is False:
            return super().to_representation(instance)
        links = links_for(self.context)
        try:
            return {name: step(instance, links, self) for name, step in plan}
        except Unsupported:
            return super().to_representation(instance)
