"""Whole API responses and explorer pages for anonymous GETs, kept in the shared cache (CACHE_URL, Redis) and
dropped on any write.

On with RESPONSE_CACHE_SECONDS > 0. Each entry records the data generation it was computed at; every committed
write to the database (API, admin, imports, management commands: any INSERT, UPDATE, DELETE or sequence draw that
goes through Django's connections) moves the generation on, so no entry computed before a write is ever served
after it. Writes made behind the app's back (psql) show once the entries expire, after RESPONSE_CACHE_SECONDS.
Throttles, authentication and content negotiation still run on a hit; only the queries and the rendering are saved.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse

from core.metrics import RESPONSE_CACHE

log = logging.getLogger(__name__)

GENERATION = "dealgraph:generation"
PREFIX = "dealgraph:response:"
# Statements that change nothing; anything else (and any sequence draw, which the bulk importers use before COPY)
# counts as a write.
# JSON, and the explorer's pages; not the browsable API, whose HTML carries the reader's CSRF token and login.
CACHED_FORMATS = ("json", "html")
READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET ", "SHOW", "EXPLAIN", "PRAGMA")


def enabled() -> bool:
    return settings.RESPONSE_CACHE_SECONDS > 0


def bump_generation() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:
        # Missing (first write, or evicted): start from the clock, so no old generation can come back.
        cache.set(GENERATION, time.time_ns(), None)
    except Exception:  # the cache being down must not fail the write; entries then age out by themselves
        log.warning("Could not move the response cache generation on", exc_info=True)


def _is_write(sql: str) -> bool:
    head = sql.lstrip()[:10].upper()
    return not head.startswith(READ_ONLY) or "NEXTVAL(" in sql.upper()


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if enabled() and _is_write(sql):
        connection = context["connection"]
        if not any(entry[1] is bump_generation for entry in connection.run_on_commit):
            transaction.on_commit(bump_generation, using=connection.alias)
    return result


def _install(sender, connection, **kwargs):
    if enabled() and _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


connection_created.connect(_install, dispatch_uid="dealgraph-response-cache")


def install_on_open_connections():
    """For connections opened before caching was turned on (tests switch it on at run time)."""
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def uninstall_from_open_connections():
    for connection in connections.all(initialized_only=True):
        if _watch_writes in connection.execute_wrappers:
            connection.execute_wrappers.remove(_watch_writes)


def _key(request) -> str:
    raw = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.accepted_media_type or "",
        ]
    )
    return PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def cacheable(request) -> bool:
    return (
        enabled()
        and request.method == "GET"
        and request.user.is_anonymous
        and getattr(request.accepted_renderer, "format", None) in CACHED_FORMATS
    )


def cached_response(request, compute):
    """The response for an anonymous GET from the cache, or `compute()`'s, stored once rendered."""
    if not cacheable(request):
        return compute()
    key = _key(request)
    try:
        found = cache.get_many([GENERATION, key])
    except Exception:
        log.warning("Response cache unavailable", exc_info=True)
        RESPONSE_CACHE.labels("unavailable").inc()
        return compute()
    generation = found.get(GENERATION)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        _, status, content_type, etag, body = entry
        response = HttpResponse(body, status=status, content_type=content_type)
        if etag:
            response["ETag"] = etag
        response["X-Cache"] = "hit"
        RESPONSE_CACHE.labels("hit").inc()
        return response
    RESPONSE_CACHE.labels("miss").inc()
    response = compute()
    if response.status_code == 200 and not response.streaming:

        def store(rendered):
            try:
                cache.set(
                    key,
                    (
                        generation,
                        rendered.status_code,
                        rendered["Content-Type"],
                        rendered.get("ETag"),
                        rendered.content,
                    ),
                    settings.RESPONSE_CACHE_SECONDS,
                )
            except Exception:
                log.warning("Could not store a response in the cache", exc_info=True)

        response.add_post_render_callback(store)
        response["X-Cache"] = "miss"
    return response
