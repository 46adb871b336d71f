"""Reads from a PostgreSQL read replica (DATABASE_REPLICA_URL); writes, and reads that must see them, on the primary.

A request reads from the replica only when it is a GET, HEAD or OPTIONS that has written nothing so far, is not
inside a transaction, and comes from a client that has not written in the last REPLICA_PIN_SECONDS (a cookie for
browsers and the admin, a cache entry keyed by the `Authorization` header for token clients). Everything outside a
request (management commands, imports, the shell) uses the primary, so nothing ever reads its own writes stale.
"""

import contextvars
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connections

REPLICA = "replica"
ROUTER = "core.replicas.PrimaryReplicaRouter"
PIN_COOKIE = "dealgraph_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _Routing:
    __slots__ = ("replica", "wrote")

    def __init__(self, replica: bool):
        self.replica, self.wrote = replica, False


_routing: contextvars.ContextVar[_Routing | None] = contextvars.ContextVar("dealgraph_routing", default=None)


def replica_configured() -> bool:
    """Whether the router is on (settings add it with DATABASE_REPLICA_URL)."""
    return any(router == ROUTER or isinstance(router, PrimaryReplicaRouter) for router in settings.DATABASE_ROUTERS)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or not routing.replica or connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.replica, routing.wrote = False, True
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows under the same keys

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def _token_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return None
    return "dealgraph:primary-pin:" + hashlib.sha256(header.encode()).hexdigest()


class ReplicaRoutingMiddleware:
    """Decides, per request, whether its reads may go to the replica, and pins a client that wrote to the primary
    for a while, so it reads its own writes even while the replica lags."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        token_key = _token_key(request)
        pinned = PIN_COOKIE in request.COOKIES or (token_key is not None and cache.get(token_key) is not None)
        routing = _Routing(replica=request.method in SAFE_METHODS and not pinned)
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        except BaseException:
            _routing.reset(token)
            raise
        if routing.wrote or request.method not in SAFE_METHODS:
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE, "1", max_age=seconds, httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
            )
            if token_key is not None:
                cache.set(token_key, 1, seconds)
        if response.streaming:
            # A streamed body (the CSV export) runs its queries after this returns: keep the routing until it ends.
            response._resource_closers.append(lambda: _reset(token))
        else:
            _reset(token)
        return response


def _reset(token):
    try:
        _routing.reset(token)
    except ValueError:  # closed from another context: nothing of this request's routing can leak there
        _routing.set(None)
