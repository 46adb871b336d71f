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
