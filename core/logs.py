"""Logging: one structured line per request and per exception, as JSON (production) or readable text (`make run`).

structlog renders every record, ours and the standard library's (Django's, gunicorn's inside the app), through one
formatter, so a line carries the request id whichever logger wrote it. django-structlog writes the request lines;
the receivers below shape them and take the request id from django-guid, which owns the `X-Request-ID` header.
Settings call `logging_config()`; nothing here imports Django's models, so settings can import it.
"""

import logging
import time

import orjson
import structlog
from django.core.exceptions import ImproperlyConfigured

FORMATS = ("json", "text")


def _json_dumps(event, **kwargs) -> str:
    # orjson, as for API responses; anything it cannot encode is written as its str().
    return orjson.dumps(event, default=str).decode()


def _pre_chain():
    """Processors every record goes through, whether it came from structlog or from the standard library."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(fmt: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter for `fmt` (json or text): JSON puts the traceback in an `exception` field, one line a record."""
    if fmt == "json":
        render = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer(serializer=_json_dumps)]
    else:
        render = [structlog.dev.ConsoleRenderer(colors=False)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_pre_chain(),
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
    )


def logging_config(fmt: str, level: str) -> dict:
    """Django's LOGGING for LOG_FORMAT and LOG_LEVEL; also configures structlog, once per process."""
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}.")
    level = level.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}.")
    structlog.configure(
        processors=[
            # Drops a record below the level before any other work (the DEBUG `request_started` of every request).
            structlog.stdlib.filter_by_level,
            *_pre_chain(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": {"()": formatter, "fmt": fmt}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "main"}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's own handlers would write each record a second time, unformatted.
            "django": {"handlers": [], "level": level, "propagate": True},
            # django-structlog's request lines replace these: django.request's 4xx notes and 5xx tracebacks, and
            # runserver's access line.
            "django.request": {"handlers": [], "level": "CRITICAL", "propagate": True},
            "django.server": {"handlers": [], "level": "CRITICAL", "propagate": True},
            # django-guid notes every header it reads at INFO.
            "django_guid": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


# --- the request line ---------------------------------------------------------------------------------------------


def _user(request) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else "anonymous"


def _shape(request, log_kwargs, status) -> None:
    log_kwargs.pop("request", None)
    log_kwargs.pop("code", None)
    log_kwargs["method"] = request.method
    log_kwargs["path"] = request.get_full_path()
    log_kwargs["status"] = status
    started = getattr(request, "_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
    log_kwargs["user"] = _user(request)


def bind_request(request, logger, log_kwargs, **kwargs):
    from django_guid import get_guid

    request._log_started = time.perf_counter()
    # django-structlog draws an id of its own; the one in the X-Request-ID header (django-guid's) is the one to log.
    # The client address is the socket's: forwarded headers are not believed here (behind a proxy, the proxy's log
    # has the client's).
    structlog.contextvars.bind_contextvars(request_id=get_guid(), remote_addr=request.META.get("REMOTE_ADDR"))


def finished(request, logger, response, log_kwargs, **kwargs):
    _shape(request, log_kwargs, response.status_code)


def failed(request, logger, exception, log_kwargs, **kwargs):
    _shape(request, log_kwargs, 500)


def connect_receivers():
    from django_structlog import signals

    signals.bind_extra_request_metadata.connect(bind_request, dispatch_uid="dealgraph-log-bind")
    signals.bind_extra_request_finished_metadata.connect(finished, dispatch_uid="dealgraph-log-finished")
    signals.bind_extra_request_failed_metadata.connect(failed, dispatch_uid="dealgraph-log-failed")
