"""Base viewsets: every resource lists, shows, writes and keeps history the same way."""

import hashlib

import orjson
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.response_cache import cached_response
from core.services import record_delete
from core.text import as_id

from .filters import StrictFilterBackend, asks_for_filters
from .pagination import MAX_PAGE_SIZE, parse_page_size
from .representations import COMPILE, EMPTY, links_for, lookup_keys, plan_for, representing, shape_keys


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = (
        "Send If-Match with the ETag of your last GET of this record, so an edit made since is never overwritten."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since your copy (its ETag no longer matches If-Match). GET it again."
    default_code = "precondition_failed"


def _without_links(data):
    """Hyperlinks (`url`, and links to related lists such as `citations_url`) depend on the host the request came
    through; versions must not."""
    if isinstance(data, dict):
        return {k: _without_links(v) for k, v in data.items() if k != "url" and not k.endswith("_url")}
    if isinstance(data, list):
        return [_without_links(v) for v in data]
    return data


def representation_etag(data) -> str:
    # orjson: the standard library's sorted dump was a tenth of a deal's detail request.
    payload = orjson.dumps(_without_links(data), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


class HistoryPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    query_params = ("page", "page_size")

    def get_page_size(self, request):
        return parse_page_size(request, self.page_size_query_param)


HISTORY_PAGE = inline_serializer(
    "PaginatedHistoryList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": inline_serializer(
            "HistoryEntry",
            many=True,
            fields={
                "id": serializers.IntegerField(),
                "date": serializers.DateTimeField(),
                "user": serializers.CharField(
                    allow_null=True, help_text="Username of whoever made the change; null for imports."
                ),
                "action": serializers.ChoiceField(choices=["created", "changed", "deleted"]),
                "reason": serializers.CharField(allow_blank=True),
                "merged_from": serializers.IntegerField(
                    required=False,
                    help_text="Only on entries of a deal merged into this one: the merged deal's id.",
                ),
                "changes": serializers.ListField(
                    child=inline_serializer(
                        "HistoryChange",
                        {
                            "field": serializers.CharField(),
                            "old": serializers.JSONField(allow_null=True),
                            "new": serializers.JSONField(allow_null=True),
                        },
                    )
                ),
            },
        ),
    },
)

HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
UNTRACKED = {"updated"}


def history_entries(records) -> list[dict]:
    """Turn history rows (newest first) into entries listing what each change did to each field."""
    entries = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        changes = []
        for field in record.instance_type._meta.concrete_fields:
            name = field.attname
            if name in UNTRACKED:
                continue
            new = getattr(record, name)
            old = getattr(older, name) if older is not None else None
            if older is None and record.history_type == "+" and new in (None, "", [], False):
                continue
            if older is None or old != new:
                changes.append({"field": field.name, "old": old, "new": new})
        entries.append(
            {
                "id": record.history_id,
                "date": record.history_date,
                "user": record.history_user.get_username() if record.history_user else None,
                "action": HISTORY_ACTIONS[record.history_type],
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


def page_parameters(items: str) -> list[OpenApiParameter]:
    """`page` and `page_size` as a paged action (a record's history, a deal's matches) documents them."""
    return [
        OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number, from 1."),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            description=f"{items} per page, 1 to {MAX_PAGE_SIZE}.",
        ),
    ]


class CurationViewSet(viewsets.ModelViewSet):
    """Reads for everyone; writes for users with the model permission, always through the app's services,
    guarded by If-Match so two curators never overwrite each other silently.

    Set `serializer_class` (lists), `detail_serializer_class` (one record, and every write's response) and
    `write_serializer_class` (request bodies; its create/update call the services). Reads are rendered by the plan
    compiled from the serializer (core/api/representations/), or by DRF where it has none; a detail GET, its ETag
    and the If-Match check of a write all come from the same representation."""

    filter_backends = [StrictFilterBackend]
    lookup_value_regex = "[0-9]{1,18}"  # anything else is no id: a 404 before it reaches the database
    detail_serializer_class = None
    write_serializer_class = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    # Extra actions that change the record they address, so need If-Match like PUT and DELETE (checked by the
    # action itself with check_if_match; the schema documents the header for them).
    if_match_actions: tuple[str, ...] = ()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        if self.action == "retrieve":
            return self.detail_serializer_class or self.serializer_class
        return self.serializer_class

    def links(self):
        return links_for(self.request, self.format_kwarg)

    # Reads ------------------------------------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        return cached_response(request, lambda: self.uncached_list(request))

    def uncached_list(self, request):
        plan = plan_for(self.serializer_class)
        cursor = getattr(self.paginator, "cursor_query_param", None)
        if plan is None or cursor in request.query_params:
            # DRF's serializer, or keyset pages, which order and filter the queryset further themselves.
            queryset = self.filter_queryset(self.get_queryset())
            keys = None
        else:
            queryset = self.get_queryset()
            filterset = self.filter_backends[0]().validated_filterset(request, queryset, self)
            keys = shape_keys(filterset, queryset)
            if keys is None and filterset is not None:
                queryset = filterset.qs
        if plan is not None:
            # Unfiltered, the page's plan is the same whatever the page or cursor: the server may keep it prepared.
            prepare = not asks_for_filters(request, self.filterset_class)
            queryset = representing(queryset, plan, self.links(), prepare=prepare, keys=keys)
        page = self.paginate_queryset(queryset)
        items = list(queryset) if page is None else page
        if plan is None:
            items = self.get_serializer(items, many=True).data
        return Response(items) if page is None else self.get_paginated_response(items)

    def retrieve(self, request, *args, **kwargs):
        return cached_response(request, lambda: self.detail_response(None))

    def lookup_filter(self) -> dict:
        """The condition selecting the record the URL names (its route admits only digits)."""
        return {"pk": as_id(self.kwargs[self.lookup_url_kwarg or self.lookup_field])}

    def not_found(self):
        return Http404(f"No {self.get_queryset().model._meta.object_name} matches the given query.")

    def addressed(self):
        """The record the URL names, among those the caller may see (at most one)."""
        return self.filter_queryset(self.get_queryset()).filter(**self.lookup_filter())

    def get_object(self):
        obj = self.addressed().first()
        if obj is None:
            raise self.not_found()
        self.check_object_permissions(self.request, obj)
        return obj

    def representation(self, queryset=None) -> dict:
        """The representation of the one record in `queryset` (by default the one the URL names), by its detail
        serializer's plan or by DRF."""
        serializer_class = self.detail_serializer_class or self.serializer_class
        plan = plan_for(serializer_class)
        if plan is not None:
            keys = COMPILE
            if queryset is None:
                base = self.get_queryset()
                if not asks_for_filters(self.request, self.filterset_class):
                    # The SQL of a look-up by this field, compiled once: a third of a detail request through the ORM.
                    reused = lookup_keys(base, self.lookup_filter())
                    if reused is not None:
                        keys = None if reused is EMPTY else reused
                queryset = self.addressed() if keys is COMPILE else base
            found = plan.represent(queryset, self.links(), prepare=True, keys=keys)
            record = found[0] if found else None
        else:
            record = (self.addressed() if queryset is None else queryset).first()
        if record is None:
            raise self.not_found()
        self.check_object_permissions(self.request, record)
        return record if plan is not None else serializer_class(record, context=self.get_serializer_context()).data

    def detail_response(self, queryset, *, status_code=200):
        data = self.representation(queryset)
        response = Response(data, status=status_code)
        response["ETag"] = representation_etag(data)
        return response

    # Writes -----------------------------------------------------------------------------------------------------

    def saved(self, instance):
        """The record just written, as the caller sees it (a write may make it leave their filters)."""
        return self.get_queryset().filter(pk=instance.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        response = self.detail_response(self.saved(instance), status_code=status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def locked_object(self):
        """The record, locked for the rest of the transaction, then read again so its ETag is current."""
        obj = self.get_object()
        type(obj)._default_manager.select_for_update().filter(pk=obj.pk).exists()
        return self.get_object()

    def check_if_match(self, instance):
        header = self.request.headers.get("If-Match")
        if header is None:
            raise PreconditionRequired()
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if "*" not in tags and representation_etag(self.representation(self.saved(instance))) not in tags:
            raise PreconditionFailed()

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        return self.detail_response(self.saved(instance))

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        """Delete through the app's services where a resource has a rule for it; plain records go here."""
        record_delete(instance)

    @extend_schema(
        summary="Change history of one record, newest first",
        responses=HISTORY_PAGE,
        parameters=page_parameters("Entries"),
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filter_backends=[])
    def history(self, request, *args, **kwargs):
        instance = self.get_object()
        unknown = sorted(set(request.query_params) - {"page", "page_size", "format"})
        if unknown:
            raise exceptions.ValidationError(
                {name[:60]: ["Unknown query parameter. Known parameters: page, page_size."] for name in unknown[:10]}
            )
        entries = []
        for records, extra in self.history_groups(instance):
            entries += [{**entry, **extra} for entry in history_entries(records)]
        entries.sort(key=lambda entry: (entry["date"], entry["id"]), reverse=True)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(page)

    def history_groups(self, instance) -> "list[tuple[list, dict]]":
        """The history to show: groups of one record's rows, newest first, each with keys its entries gain. A
        resource whose records absorb others (a merged deal) adds theirs."""
        return [(list(instance.history.select_related("history_user").order_by("-history_date", "-history_id")), {})]


class SlugOrIdLookupMixin:
    """Addresses a record by slug (`/actors/serbia/`) or by id (`/actors/42/`)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,120}"  # a slug or an id; anything else is a 404 before any query

    def lookup_filter(self) -> dict:
        value = self.kwargs[self.lookup_field]
        return {"pk": as_id(value)} if as_id(value) is not None else {"slug": value}

    def not_found(self):
        value = self.kwargs[self.lookup_field]
        return Http404(f"No record with {'id' if as_id(value) is not None else 'slug'} {value[:60]!r}.")
