"""One filter vocabulary for every endpoint: repeatable or comma-separated values, references by slug or id,
`_from`/`_to` ranges, `q` for text, and a 400 that names any parameter it cannot use."""

import datetime
import re
from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.db import connections
from django.db.models import F, QuerySet
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from core.db import prepared_statements

MAX_VALUES = 100
MAX_TEXT = 500


class ListWidget(forms.TextInput):
    """Reads a parameter given repeated (`?a=x&a=y`), comma-separated (`?a=x,y`) or both."""

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [part.strip() for item in raw if item is not None for part in str(item).split(",")]
        return [v for v in values if v] or None


class ListField(forms.Field):
    widget = ListWidget

    def __init__(self, *, resolve: Callable[[list[str]], tuple[list, list[str]]], hint: str, **kwargs):
        self.resolve, self.hint = resolve, hint
        super().__init__(**kwargs)

    def clean(self, value):
        if not value:
            return None
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(f"At most {MAX_VALUES} values; got {len(value)}.")
        if any("\x00" in v for v in value):
            raise forms.ValidationError("Null characters are not allowed.")
        resolved, unknown = self.resolve(value)
        if unknown:
            shown = ", ".join(repr(v[:60]) for v in unknown[:10])
            # Passed as a parameter: django-filter %-formats messages, and user input may hold a `%`.
            raise forms.ValidationError("%(message)s", params={"message": f"Unknown value {shown}: {self.hint}"})
        return resolved


def documented(filter_, schema: dict):
    """Attach a schema to one filter, keeping its help text: a schema override otherwise drops the description."""
    return extend_schema_field({**schema, "description": str(filter_.extra.get("help_text", ""))})(filter_)


class ListFilter(django_filters.Filter):
    """Matches any of several values, each resolved (to ids or choice values) by `resolve`; unknown ones are a 400."""

    field_class = ListField

    def __init__(self, *args, resolve, hint, lookup="in", items=None, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, lookup_expr=lookup, resolve=resolve, hint=hint, **kwargs)
        documented(self, {"type": "array", "items": items or {"type": "string"}})

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


def choice_list_filter(choices, *, field_name: str, help_text: str, **kwargs) -> ListFilter:
    values = [value for value, _ in choices]

    def resolve(items):
        return [i for i in items if i in values], [i for i in items if i not in values]

    return ListFilter(
        field_name=field_name,
        resolve=resolve,
        hint=f"choose from {', '.join(values)}.",
        help_text=help_text,
        items={"type": "string", "enum": values},
        **kwargs,
    )


def lookup_resolver(queryset_for: Callable[[list[str]], Iterable[tuple]]) -> Callable:
    """Build a resolver from a function returning (id, *keys) rows for the given values; keys match case-insensitively."""

    def resolve(items):
        # Look-ups by key, slug or code: the same index plan for any value, so the server may keep it prepared.
        queryset = queryset_for(items)
        if isinstance(queryset, QuerySet):
            with prepared_statements(connections[queryset.db]):
                rows = list(queryset)
        else:
            rows = list(queryset)
        index = {}
        for row_id, *keys in rows:
            for key in keys:
                if key:
                    index[str(key).lower()] = row_id
        ids, unknown = [], []
        for item in items:
            (ids.append(index[item.lower()]) if item.lower() in index else unknown.append(item))
        return ids, unknown

    return resolve


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Must be a whole year such as 2021.",
                "min_value": "Must be a year from 1000 to 9999.",
                "max_value": "Must be a year from 1000 to 9999.",
            },
        )
        super().__init__(*args, **kwargs)
        documented(self, {"type": "integer", "minimum": 1000, "maximum": 9999})


class StrictBooleanField(forms.Field):
    """`true` or `false` (or 1 and 0); django-filter's own boolean field takes anything else for "no filter"."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(f"Must be `true` or `false`; got {str(value)[:40]!r}.") from None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        documented(self, {"type": "boolean"})


class SearchFilter(django_filters.CharFilter):
    """`q`: a case-insensitive substring over the fields a `method` chooses."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_TEXT)
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class MomentField(forms.Field):
    """An ISO 8601 date or date-time (`2026-11-30`, `2026-11-30T12:00:00Z`); one without a zone is UTC. A date
    alone means its first moment, or with `end_of_day` its last, so `_to` ranges include the day they name."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, ""):
            return None
        # An offset's `+` left unescaped in a URL arrives as a space.
        text = re.sub(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$", r"\1+\2", str(value).strip())
        try:
            moment = datetime.datetime.fromisoformat(text)
            if self.end_of_day and len(text) == 10:  # a date alone
                moment = datetime.datetime.combine(moment.date(), datetime.time.max)
            return (moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
        except (ValueError, OverflowError):  # not a moment, or one that leaves the calendar in UTC
            raise forms.ValidationError(
                f"Must be an ISO 8601 date or date-time, such as 2026-11-30 or 2026-11-30T12:00:00Z; got {text[:40]!r}."
            ) from None


class MomentFilter(django_filters.Filter):
    """`field >= moment` (`_from`) or `field <= moment` (`_to`)."""

    field_class = MomentField

    def __init__(self, *args, upper: bool = False, **kwargs):
        kwargs.setdefault("lookup_expr", "lte" if upper else "gte")
        super().__init__(*args, end_of_day=upper, **kwargs)
        documented(self, {"type": "string", "format": "date-time", "maxLength": 40})


class RecordFilterSet(django_filters.FilterSet):
    """What every record's list filters on besides its own fields: when it last changed, so a client that mirrors
    the registry asks only for what changed since its last call."""

    updated_from = MomentFilter(
        field_name="updated", help_text="Records changed at or after this date or moment (ISO 8601; UTC if no zone)."
    )
    updated_to = MomentFilter(
        field_name="updated",
        upper=True,
        help_text="Records changed at or before this moment, or during this day (ISO 8601; UTC if no zone).",
    )


class RangeForm(forms.Form):
    """Refuses `x_from` later than `x_to`, naming `x_to`, for every such pair of the form's fields."""

    def clean(self):
        data = super().clean()
        for low in self.fields:
            high = low.removesuffix("_from") + "_to"
            paired = low.endswith("_from") and data.get(low) is not None and data.get(high) is not None
            if paired and data[low] > data[high]:
                self.add_error(high, f"Must not be before {low} ({data[low]}); got {data[high]}.")
        return data


def _bound_copy(filter_):
    # A filter is a plain object: copying its __dict__ took a sixth of the time copy.copy did (16 per request).
    copied = object.__new__(type(filter_))
    copied.__dict__.update(filter_.__dict__)
    if filter_.method is not None:  # its FilterMethod points at the original filter: give the copy its own
        copied.method = filter_.method
    return copied


class SharedFormFilterSetMixin:
    """Per request, django-filter deep-copies every filter and builds a new form class, looking each label up
    through the model: 1.5 ms of a filtered deal list. Filters hold no request state but their parent, so a shallow
    copy does, and the form class (whose fields the form copies anyway) is built once per filterset class."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _bound_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    # The filters the request names, when only those need validating (validated_filterset): a form of those fields
    # alone, since an absent filter validates to nothing and filters nothing. Cleaning all sixteen fields of the
    # deal filters was a tenth of a filtered list; the browsable API's filter form still shows every field.
    given: frozenset | None = None

    def get_form_class(self):
        cls = type(self)
        if "_shared_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._shared_form_class, cls._given_forms = form_class, {}
        if self.given is None:
            return cls._shared_form_class
        form_class = cls._given_forms.get(self.given)
        if form_class is None:
            full = cls._shared_form_class
            form_class = type(full.__name__, (full,), {})
            form_class.base_fields = SharedFields({k: v for k, v in full.base_fields.items() if k in self.given})
            if len(cls._given_forms) < 1000:
                cls._given_forms[self.given] = form_class
        return form_class


class SharedFields(dict):
    """A filter form's fields, which every form of its class shares instead of deep-copying them (Django's default,
    a tenth of a filtered list's CPU time). Validating changes no field, and the one place a filter form is rendered
    (the browsable API) copies what it changes."""

    def __deepcopy__(self, memo):
        return dict(self)


_shared_form_classes: dict = {}


def with_shared_form(filterset_class):
    shared_class = _shared_form_classes.get(filterset_class)
    if shared_class is None:
        shared_class = _shared_form_classes[filterset_class] = type(
            filterset_class.__name__,
            (SharedFormFilterSetMixin, filterset_class),
            {"__module__": filterset_class.__module__},
        )
    return shared_class


def asks_for_filters(request, filterset_class) -> bool:
    """Whether the request names any of the filterset's filters (ordering included)."""
    return not set(request.query_params).isdisjoint(filterset_class.base_filters)


class StrictFilterBackend(DjangoFilterBackend):
    """Also refuses query parameters the endpoint does not know, so a typo never silently widens a result."""

    def get_filterset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        return with_shared_form(filterset_class)(**self.get_filterset_kwargs(request, queryset, view))

    always_allowed = {"format", "ordering"}

    def filter_queryset(self, request, queryset, view):
        filterset = self.validated_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.qs

    def validated_filterset(self, request, queryset, view):
        """The request's filterset, validated (a 400 naming each bad parameter), or None when it asks for none."""
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(self.always_allowed)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        known |= set(getattr(paginator, "query_params", ()))
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name[:60]: [f"Unknown query parameter. Known parameters: {', '.join(sorted(known))}."]
                    for name in unknown[:10]
                }
            )
        lists = {
            name
            for name, f in (filterset_class.base_filters.items() if filterset_class else ())
            if isinstance(f, ListFilter)
        }
        repeated = [
            name for name in request.query_params if name not in lists and len(request.query_params.getlist(name)) > 1
        ]
        if repeated:
            raise ValidationError({name: ["Give this parameter once."] for name in repeated})
        if filterset_class is not None and not asks_for_filters(request, filterset_class):
            # No filter asked for: the filterset would validate an empty form and leave every filter a no-op, at
            # the cost of deep-copying each filter and building its form (a third of a detail request).
            return None
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            filterset.given = frozenset(request.query_params).intersection(filterset.filters)
        if filterset is not None and not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset


class OrderingFilter(django_filters.OrderingFilter):
    """`ordering` from an allow-list; empty values sort last either way, and `id` always breaks ties."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "Sort by these fields, comma-separated; prefix `-` for descending.")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        order = []
        for param in value:
            descending = param.startswith("-")
            field = self.param_map[param.lstrip("-")]
            expression = F(field)
            order.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        tiebreak = "-id" if value[-1].startswith("-") else "id"
        return qs.order_by(*order, tiebreak)
