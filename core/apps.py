"""The core app: shared bases, services and API plumbing, and the checks on settings they depend on."""

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        checks.register(response_cache_needs_a_shared_cache, checks.Tags.caches)
        # Request log lines (django-structlog's signals) and statement metrics (a signal per new connection).
        from core import logs, metrics  # noqa: F401

        logs.connect_receivers()


def response_cache_needs_a_shared_cache(app_configs, **kwargs):
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"]
    if settings.RESPONSE_CACHE_SECONDS > 0 and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "RESPONSE_CACHE_SECONDS is on with a per-process cache: a write in one worker cannot drop the entries "
                "the others hold, so they serve stale responses until they expire.",
                hint="Set CACHE_URL to a Redis instance all app processes share.",
                id="dealgraph.W001",
            )
        ]
    return []
