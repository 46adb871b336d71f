"""Base viewsets: every resource lists, shows, writes and keeps history the same way."""
import hashlib
import json

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

from .filters import StrictFilterBackend
from .pagination import MAX_PAGE_SIZE, parse_page_size


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
    """Hyperlinks depend on the host the request came through; versions must not."""
    if isinstance(data, dict):
        return {k: _without_links(v) for k, v in data.items() if k != "url"}
    if isinstance(data, list):
        return [_without_links(v) for v in data]
    return data


def representation_etag(data) -> str:
    payload = json.dumps(_without_links(data), sort_keys=True, default=str).encode()
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


class HistoryPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    query_params = ("page", "page_size")

    def get_page_size(self, request):
        return parse_page_size(request, self.page_size_query_param)


HISTORY_PAGE = inline_serializer("PaginatedHistoryList", {
    "count": serializers.IntegerField(),
    "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True),
    "results": inline_serializer("HistoryEntry", many=True, fields={
    "id": serializers.IntegerField(),
    "date": serializers.DateTimeField(),
    "user": serializers.CharField(allow_null=True, help_text="Username of whoever made the change; null for imports."),
    "action": serializers.ChoiceField(choices=["created", "changed", "deleted"]),
    "reason": serializers.CharField(allow_blank=True),
    "changes": serializers.ListField(child=inline_serializer("HistoryChange", {
        "field": serializers.CharField(),
        "old": serializers.JSONField(allow_null=True),
        "new": serializers.JSONField(allow_null=True),
    })),
    }),
})

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
        entries.append({
            "id": record.history_id, "date": record.history_date,
            "user": record.history_user.get_username() if record.history_user else None,
            "action": HISTORY_ACTIONS[record.history_type], "reason": record.history_change_reason or "",
            "changes": changes,
        })
    return entries


class CachedListMixin:
    """Anonymous GETs of a list may come from the response cache (core.response_cache; off by default)."""

    def list(self, request, *args, **kwargs):
        return cached_response(request, lambda: self.uncached_list(request, *args, **kwargs))

    def uncached_list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ReadOnlyViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [StrictFilterBackend]

    def retrieve(self, request, *args, **kwargs):
        return cached_response(request, lambda: super(ReadOnlyViewSet, self).retrieve(request, *args, **kwargs))


class CurationViewSet(CachedListMixin, viewsets.ModelViewSet):
    """Reads for everyone; writes for users with the model permission, always through the app's services,
    guarded by If-Match so two curators never overwrite each other silently.

    Set `serializer_class` (lists), `detail_serializer_class` (one record, and every write's response) and
    `write_serializer_class` (request bodies; its create/update call the services)."""

    filter_backends = [StrictFilterBackend]
    lookup_value_regex = "[0-9]{1,18}"  # anything else is no id: a 404 before it reaches the database
    detail_serializer_class = None
    write_serializer_class = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        if self.action == "retrieve":
            return self.detail_serializer_class or self.serializer_class
        return self.serializer_class

    def detail_response(self, instance, *, status_code=200, headers=None, refetch=True):
        # After a write the instance lacks what the representation needs; get_object()'s already has it.
        fresh = self.get_queryset().get(pk=instance.pk) if refetch else instance
        serializer = (self.detail_serializer_class or self.serializer_class)(fresh, context=self.get_serializer_context())
        response = Response(serializer.data, status=status_code, headers=headers)
        response["ETag"] = representation_etag(serializer.data)
        return response

    def retrieve(self, request, *args, **kwargs):
        return cached_response(request, lambda: self.uncached_retrieve(request, *args, **kwargs))

    def uncached_retrieve(self, request, *args, **kwargs):
        return self.detail_response(self.get_object(), refetch=False)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        response = self.detail_response(instance, status_code=status.HTTP_201_CREATED)
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
        serializer = (self.detail_serializer_class or self.serializer_class)(
            self.get_queryset().get(pk=instance.pk), context=self.get_serializer_context()
        )
        tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if "*" not in tags and representation_etag(serializer.data) not in tags:
            raise PreconditionFailed()

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic():
            instance = self.locked_object()
            self.check_if_match(instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
        return self.detail_response(instance)

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
        parameters=[
            OpenApiParameter("page", int, description="Page number, from 1."),
            OpenApiParameter("page_size", int, description=f"Entries per page, 1 to {MAX_PAGE_SIZE}."),
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filter_backends=[])
    def history(self, request, *args, **kwargs):
        instance = self.get_object()
        unknown = sorted(set(request.query_params) - {"page", "page_size", "format"})
        if unknown:
            raise exceptions.ValidationError({name[:60]: ["Unknown query parameter. Known parameters: page, page_size."]
                                              for name in unknown[:10]})
        records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id"))
        page = self.paginate_queryset(history_entries(records))
        return self.get_paginated_response(page)


class SlugOrIdLookupMixin:
    """Addresses a record by slug (`/actors/serbia/`) or by id (`/actors/42/`)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,120}"  # a slug or an id; anything else is a 404 before any query

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        key = {"pk": as_id(value)} if as_id(value) is not None else {"slug": value}
        obj = self.get_queryset().filter(**key).first()
        if obj is None:
            raise Http404(f"No record with {'id' if 'pk' in key else 'slug'} {value[:60]!r}.")
        self.check_object_permissions(self.request, obj)
        return obj
