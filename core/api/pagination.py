"""Pagination for every list: numbered pages by default, keyset cursors for deep paging."""

from base64 import b64decode

from django.core.paginator import Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from core.text import as_id

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def parse_page_size(request, param: str) -> int:
    raw = request.query_params.get(param)
    if raw is None:
        return DEFAULT_PAGE_SIZE
    size = as_id(raw)
    if size is None:
        raise ValidationError({param: [f"Must be a whole number from 1 to {MAX_PAGE_SIZE}; got {raw[:40]!r}."]})
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({param: [f"Must be from 1 to {MAX_PAGE_SIZE}; got {size}."]})
    return size


class IdCursorPagination(CursorPagination):
    """Keyset pages on the primary key: no COUNT(*) and no OFFSET, however deep."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("id",)
    allowed_orderings = ("id", "-id")

    def get_page_size(self, request):
        return parse_page_size(request, self.page_size_query_param)

    def get_ordering(self, request, queryset, view):
        requested = request.query_params.get("ordering")
        if requested is None:
            return self.ordering
        if requested not in self.allowed_orderings:
            raise ValidationError(
                {"ordering": [f"With `cursor`, results are ordered by `id` or `-id` only; got {requested[:40]!r}."]}
            )
        return (requested,)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param, "")
        try:
            # DRF's decoder skips characters outside base64; a cursor must be exactly what we issued.
            b64decode(encoded.encode("ascii"), validate=True)
            cursor = super().decode_cursor(request)
        except Exception:
            cursor = None
        else:
            if cursor is None or cursor.position is None or as_id(cursor.position) is not None:
                return cursor
        raise ValidationError(
            {
                self.cursor_query_param: [
                    "Not a cursor this API issued; start with an empty `cursor=` and follow `next`."
                ]
            }
        )


class FirstPageCountingPaginator(Paginator):
    """Django's paginator, except that page 1 is read before anything is counted: when it comes back short, its
    length is the count, and the COUNT query (one of a filtered list's five) is not needed. Most filtered lists
    fit on their first page. A full first page is counted as usual, and its rows are not read twice."""

    def page(self, number):
        if number != 1 or "count" in self.__dict__ or self.orphans:
            return super().page(number)
        items = list(self.object_list[: self.per_page])
        if len(items) < self.per_page:
            self.__dict__["count"] = len(items)  # Paginator.count is a cached_property
        self.validate_number(number)
        return self._get_page(items, number, self)


class DealgraphPagination(PageNumberPagination):
    """`page` and `page_size` give counted pages; any `cursor` parameter (even empty) switches to keyset pages."""

    django_paginator_class = FirstPageCountingPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_size_query_description = f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    page_query_description = (
        "Page number, from 1, or `last`. Counted pages; use `cursor` for deep paging. "
        "Excludes `cursor`: sending both is a 400."
    )
    cursor_query_description = (
        "Keyset paging ordered by `id` (or `-id`): pass it empty to start, then follow `next`. "
        "Responses carry no `count`. Excludes `page`: sending both is a 400."
    )
    query_params = ("page", "page_size", "cursor")

    def __init__(self):
        self.keyset = None

    def get_page_size(self, request):
        return parse_page_size(request, self.page_size_query_param)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = as_id(raw)
        if number is None or number < 1:
            raise ValidationError(
                {self.page_query_param: [f"Must be a whole number from 1, or `last`; got {raw[:40]!r}."]}
            )
        return number

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            if self.page_query_param in request.query_params:
                raise ValidationError({self.page_query_param: ["Use either `page` or `cursor`, not both."]})
            self.keyset = IdCursorPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.keyset is not None:
            return self.keyset.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["results"]
        response["properties"]["count"]["description"] = "Total matches; absent in cursor mode."
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        # An empty `page` is page 1, as an absent one is.
        parameters[0]["schema"] = {"type": "string", "pattern": r"^([1-9][0-9]*|last)?$"}
        parameters[1]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string"},
            }
        )
        return parameters

    def get_html_context(self):
        return self.keyset.get_html_context() if self.keyset else super().get_html_context()

    def to_html(self):
        return self.keyset.to_html() if self.keyset else super().to_html()


class CountedPaginator(Paginator):
    """Counts, then reads the page even where the count says it is empty: two queries whatever the number of rows,
    so a short list's query count is one fixed number a test can pin."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(list(self.object_list[bottom : bottom + self.per_page]), number, self)
