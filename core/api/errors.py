"""JSON error pages for API paths, so clients never have to parse HTML."""
from django.http import JsonResponse
from django.views import defaults


def wants_json(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    if wants_json(request):
        return JsonResponse({"detail": f"No resource at {request.path[:200]}."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if wants_json(request):
        return JsonResponse({"detail": "Server error. It has been logged."}, status=500)
    return defaults.server_error(request)


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors from the services as 400s with the same field names."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import exceptions
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_handler(exc, context)
