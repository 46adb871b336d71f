"""Relation fields: for writes, a related record named by id or by slug (actors also by ISO code); for reads,
embedded lists bounded to their first items, their counts, and links to a record's related list."""

from urllib.parse import urlencode

from django.db.models import Q
from django.db.models.manager import BaseManager
from django.urls import reverse as page_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.text import as_id


class RefField(serializers.RelatedField):
    """Its OpenAPI form is `RefFieldSchema` (core/api/schema.py): an id-only reference takes no free text."""

    default_error_messages = {
        "unknown": "No {noun} {value!r}: use its {how}.",
        "invalid": "Expected the {noun}'s {how}; got {kind}.",
    }

    def __init__(self, *, noun: str, text_lookups: tuple[tuple[str, str], ...] = (("slug", "lower"),), **kwargs):
        self.noun, self.text_lookups = noun, text_lookups
        names = ["id"] + [name for name, _ in text_lookups]
        self.how = " or ".join(names if len(names) < 3 else [", ".join(names[:-1]), names[-1]])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if isinstance(data, int) and not isinstance(data, bool):
            condition = Q(pk=data)
        elif as_id(data) is not None:
            condition = Q(pk=as_id(data))
        elif isinstance(data, str) and self.text_lookups and 0 < len(data) <= 200 and "\x00" not in data:
            condition = Q()
            for name, case in self.text_lookups:
                condition |= Q(**{name: data.lower() if case == "lower" else data.upper()})
        else:
            self.fail("invalid", noun=self.noun, how=self.how, kind=type(data).__name__)
        if isinstance(data, int) and not -(2**63) < data < 2**63:
            self.fail("unknown", noun=self.noun, value=data, how=self.how)
        obj = queryset.filter(condition).first()
        if obj is None:
            self.fail("unknown", noun=self.noun, value=data, how=self.how)
        return obj

    def to_representation(self, value):
        return getattr(value, "slug", None) or value.pk


class StrictSerializerMixin:
    """Refuses body fields the resource does not have, so a misspelt field is never silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        str(name)[:60]: [f"Unknown field. Writable fields: {', '.join(sorted(writable))}."]
                        for name in unknown[:10]
                    }
                )
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.URI)
class ListLinkField(serializers.Field):
    """The URL of another resource's list filtered to this record (a source's citations): a link to a paged list
    where an embedded one would grow without bound."""

    def __init__(self, *, view_name: str, filter_name: str, **kwargs):
        self.view_name, self.filter_name = view_name, filter_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        url = reverse(self.view_name, request=self.context.get("request"), format=self.context.get("format"))
        return f"{url}?{urlencode({self.filter_name: instance.pk})}"


@extend_schema_field(OpenApiTypes.URI)
class PageLinkField(serializers.Field):
    """The absolute URL of the record's page in the explorer (`view_name`, by `lookup_field`): a page for people,
    so without the API's format suffix or `?format=`, and outside any API versioning."""

    def __init__(self, *, view_name: str, lookup_field: str = "pk", **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        kwargs.setdefault("help_text", "The record's page in the explorer, for people.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        url = page_reverse(self.view_name, kwargs={self.lookup_field: getattr(instance, self.lookup_field)})
        request = self.context.get("request")
        return url if request is None else request.build_absolute_uri(url)


class FirstItems(serializers.ListSerializer):
    """An embedded to-many list that shows at most `limit` items (in the related model's order), so no answer grows
    with the data: a deal cited by hundreds of articles still answers in bounded size. Pair it with an
    `ItemCount` (how many there are) and, where the items have a paged list of their own, a `ListLinkField`."""

    def __init__(self, *args, limit: int, **kwargs):
        self.limit = limit
        kwargs.setdefault("read_only", True)
        super().__init__(*args, **kwargs)

    def to_representation(self, data):
        items = data.all() if isinstance(data, BaseManager) else data
        return [self.child.to_representation(item) for item in items[: self.limit]]


def first_items(child: serializers.BaseSerializer, *, limit: int, count_field: str, **kwargs) -> FirstItems:
    """`child`'s list bounded to `limit` items, saying so in the schema."""
    help_text = f"At most the first {limit}; `{count_field}` says how many there are in all."
    return FirstItems(child=child, limit=limit, help_text=help_text, **kwargs)


class ItemCount(serializers.IntegerField):
    """How many items a related list holds in all, whatever an embedded `FirstItems` shows of it."""

    def __init__(self, *, source: str, **kwargs):
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, manager):
        return manager.count()  # the length of the prefetched list, when there is one
