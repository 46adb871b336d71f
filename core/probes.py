"""`/healthz`, `/readyz` and `/metrics`, answered before the rest of the middleware.

Answered here, they are never throttled, cached or logged per request, and a load balancer's plain-http probe by IP
address is neither redirected to https nor refused for its Host header (SecurityMiddleware and ALLOWED_HOSTS come
after). Every other request pays one dictionary look-up.

- `/healthz`: 200 while the process answers; touches nothing else.
- `/readyz`: 200 when every configured database answers `SELECT 1` and, when CACHE_URL is Redis, Redis answers;
  503 naming what failed otherwise. The reason stays in the app's log, not in the answer.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse

from core.metrics import metrics_view

log = logging.getLogger(__name__)

READY_PROBE_KEY = "dealgraph:readyz"


def _not_allowed(request):
    response = JsonResponse({"detail": f'Method "{request.method[:20]}" not allowed.'}, status=405)
    response["Allow"] = "GET, HEAD"
    return response


def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(request)
    return JsonResponse({"status": "ok"})


def _database_ok(alias) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        log.warning("Readiness: database %r does not answer", alias, exc_info=True)
        return False


def _redis_ok() -> bool:
    try:
        # Django's Redis cache raises when Redis is down (it does not pretend a miss).
        cache.get(READY_PROBE_KEY)
        return True
    except Exception:
        log.warning("Readiness: the Redis cache does not answer", exc_info=True)
        return False


def readiness() -> dict[str, bool]:
    checks = {("database" if alias == "default" else f"database:{alias}"): _database_ok(alias) for alias in connections}
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        checks["redis"] = _redis_ok()
    return checks


def readyz(request):
    if request.method not in ("GET", "HEAD"):
        return _not_allowed(request)
    checks = readiness()
    failed = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {k: "ok" if v else "failed" for k, v in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        response = probe(request)
        response["Cache-Control"] = "no-store"
        if request.method == "HEAD":
            # Balancers often probe with HEAD; a body there makes gunicorn warn on every probe.
            response.content = b""
        return response
