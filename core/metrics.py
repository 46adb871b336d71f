"""Prometheus metrics (`GET /metrics`): django-prometheus's request metrics, database statements and errors, and the
response cache's hits and misses, in one registry (all worker processes' together under gunicorn, through
PROMETHEUS_MULTIPROC_DIR, which config/gunicorn.conf.py sets).

Database statements are counted with django-prometheus's own metrics, from an execute wrapper on each connection
rather than its database backends: those backends replace the cursor factory, which would undo the prepared
statements of core/db.py, and they miss statements run through a prepared cursor.

Who may read it: a client on loopback that came straight to the app (no proxy's forwarding header), an address in
METRICS_ALLOWED_IPS (again not through a proxy), or anyone sending `Authorization: Bearer <METRICS_TOKEN>`. The
address is the socket's (REMOTE_ADDR); X-Forwarded-For is never believed.
"""

import hmac
import ipaddress
import os
import time
from functools import lru_cache

import prometheus_client
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created
from django.http import HttpResponse, JsonResponse
from django_prometheus.db import connections_total, errors_total, execute_total, query_duration_seconds
from prometheus_client import multiprocess

RESPONSE_CACHE = prometheus_client.Counter(
    "dealgraph_response_cache_lookups",
    "Anonymous GETs looked up in the response cache (RESPONSE_CACHE_SECONDS), by result: hit, miss, or unavailable "
    "when the cache could not be read.",
    ["result"],
)

# Headers a proxy adds. Their presence on a loopback request means it came through the proxy from anywhere.
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)


# --- database statements -----------------------------------------------------------------------------------------


def _count_statements(sender, connection, **kwargs):
    connections_total.labels(connection.alias, connection.vendor).inc()
    if getattr(connection, "_dealgraph_metrics", False):
        # The wrapper stays on the connection object across reconnections (CONN_MAX_AGE=0 reconnects per request).
        return
    alias, vendor = connection.alias, connection.vendor
    executed = execute_total.labels(alias, vendor)
    duration = query_duration_seconds.labels(alias, vendor)

    # About 3 µs a statement (a counter and a histogram); the headline request runs four.
    def counted(execute, sql, params, many, context):
        executed.inc()
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            errors_total.labels(alias, vendor, type(exc).__name__).inc()
            raise
        finally:
            duration.observe(time.perf_counter() - started)

    connection.execute_wrappers.append(counted)
    connection._dealgraph_metrics = True


connection_created.connect(_count_statements, dispatch_uid="dealgraph-metrics-statements")


# --- who may read them --------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {exc}") from exc


def _address(request):
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address


def _has_token(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def allowed(request) -> bool:
    if _has_token(request):
        return True
    if any(header in request.META for header in PROXY_HEADERS):
        return False
    address = _address(request)
    if address is None:
        return False
    if address.is_loopback:
        return True
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Every worker writes its own files there; the scrape reads them all.
        collected = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return prometheus_client.REGISTRY


def metrics_view(request):
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"detail": f'Method "{request.method[:20]}" not allowed.'}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    if not allowed(request):
        return JsonResponse(
            {"detail": "Metrics are served to loopback, METRICS_ALLOWED_IPS or a METRICS_TOKEN bearer only."},
            status=403,
        )
    return HttpResponse(
        prometheus_client.generate_latest(registry()), content_type=prometheus_client.CONTENT_TYPE_LATEST
    )
