"""JSON error pages for API paths, so clients never have to parse HTML."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.views import defaults
from django_guid import get_guid
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from core.services import Conflict, InUse, InvalidItems

logger = logging.getLogger("dealgraph.api")


def wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    # Reached for requests Django refuses before any view runs: a body over the size limit, a bad Host.
    if wants_json(request):
        return JsonResponse({"detail": "Bad request: the request is malformed or too large."}, status=400)
    return defaults.bad_request(request, exception)


def forbidden(request, exception):
    if wants_json(request):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return defaults.permission_denied(request, exception)


def not_found(request, exception):
    if wants_json(request):
        return JsonResponse({"detail": f"No resource at {request.path[:200]}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if wants_json(request):
        # The id is the one in the X-Request-ID header and on the logged traceback, for a report to quote.
        return JsonResponse({"detail": "Server error. It has been logged.", "request_id": get_guid()}, status=500)
    return defaults.server_error(request)


JSON_HANDLERS = {400: bad_request, 403: forbidden, 404: not_found}


class JsonErrorsMiddleware:
    """JSON under /api/ whatever DEBUG is: with DEBUG on, Django answers an unknown path and an uncaught exception
    with its HTML debug pages, which it renders itself, not through the handlers above. Those become the handlers'
    JSON; the traceback is in the log (the console, with `make run`). DRF's own answers are left alone, including its
    browsable HTML ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and wants_json(request)
            and not isinstance(response, Response)
            and "json" not in response.get("Content-Type", "")
        ):
            status = response.status_code
            if status >= 500:
                return server_error(request)
            if status in JSON_HANDLERS:
                return JSON_HANDLERS[status](request, None)
            return JsonResponse({"detail": response.reason_phrase}, status=status)
        return response


MAX_LISTED = 50


def exception_handler(exc, context):
    """DRF's handler, plus the services' errors: validation as 400 with the same field names, and a delete
    that other records depend on as 409 listing them."""
    if isinstance(exc, DataError):
        # The last line of defence: validation should have caught it, but a database refusal is still the
        # client's bad value, not a server fault. The cause is logged for us to close the gap.
        logger.warning("DataError reached the API: %s", exc)
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of range or cannot be stored."]})
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, InvalidItems):
        exc = exceptions.ValidationError({exc.field: exc.errors})
    elif isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=409)
    elif isinstance(exc, InUse):
        return Response(
            {
                "detail": f"{exc.record._meta.verbose_name.capitalize()} “{exc.record}” is still referenced by "
                f"{len(exc.dependants)} record(s); change or delete them first.",
                "referenced_by": [
                    {"type": d._meta.model_name, "id": d.pk, "label": str(d)} for d in exc.dependants[:MAX_LISTED]
                ],
                "referenced_by_count": len(exc.dependants),
            },
            status=409,
        )
    response = drf_handler(exc, context)
    if response is not None and response.status_code >= 500 and isinstance(response.data, dict):
        response.data["request_id"] = get_guid()
    return response
