"""Running in public: request ids, JSON logs, health and readiness probes, metrics and who may read them, and JSON
under /api/ whatever DEBUG is."""

import io
import json
import logging
import re
import socket
import uuid

import pytest
from django.db.utils import ConnectionHandler
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families
from rest_framework import exceptions

from core import probes, response_cache
from core.logs import formatter, logging_config
from deals.api.views import DealViewSet

pytestmark = pytest.mark.django_db

HEADLINE = "/api/v1/deals/?recipient=serbia&kind=purchase&year_from=2021&year_to=2022"
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def client():
    # A 500 is answered, not raised into the test, as a real server would.
    return Client(raise_request_exception=False)


@pytest.fixture
def json_log():
    """The lines the app logs during the test, in the production format, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("json"))
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    try:
        yield lines
    finally:
        root.removeHandler(handler)


def raise_in_the_deal_list(monkeypatch, exc):
    def list_(self, request, *args, **kwargs):
        raise exc

    monkeypatch.setattr(DealViewSet, "list", list_)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- request ids ------------------------------------------------------------------------------------------------


def test_every_response_carries_a_request_id(client, monkeypatch, settings):
    answers = [
        client.get(HEADLINE),
        client.get("/api/v1/deals/999999999/"),
        client.get("/api/v1/nowhere/"),
        client.get("/not-a-page/"),
        client.get("/admin/login/"),
        client.post("/api/v1/deals/", {}, content_type="application/json"),
        client.get("/healthz"),
        client.get("/readyz"),
        client.get("/metrics"),
        client.get("/metrics", REMOTE_ADDR="203.0.113.9"),
    ]
    raise_in_the_deal_list(monkeypatch, RuntimeError("boom"))
    answers.append(client.get("/api/v1/deals/"))
    assert [a.status_code for a in answers] == [200, 404, 404, 404, 200, 401, 200, 200, 200, 403, 500]
    ids = [a["X-Request-ID"] for a in answers]
    assert all(GENERATED.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "incoming",
    [str(uuid.uuid4()), uuid.uuid4().hex, "req_01HZX.abc-9", "a" * 128, "7"],
)
def test_a_valid_incoming_request_id_is_kept_and_logged(client, json_log, incoming):
    response = client.get("/api/v1/actors/serbia/", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    assert response["X-Request-ID"] == incoming
    assert [line["request_id"] for line in json_log()] == [incoming]


@pytest.mark.parametrize(
    "incoming",
    [
        "",
        "a" * 129,
        "has space",
        "<script>alert(1)</script>",
        "id;rm -rf",
        'quote"d',
        "urn:uuid:" + str(uuid.uuid4()),
        # Python's UUID parser accepts this (it drops every hyphen), so django-guid alone would keep 5 KB of it.
        "-" * 5000 + uuid.uuid4().hex,
        "caf\u00e9",
    ],
)
def test_an_invalid_or_overlong_request_id_is_replaced(client, json_log, incoming):
    response = client.get("/api/v1/actors/serbia/", HTTP_X_REQUEST_ID=incoming)
    assert response.status_code == 200
    replaced = response["X-Request-ID"]
    assert replaced != incoming and GENERATED.fullmatch(replaced)
    assert [line["request_id"] for line in json_log()] == [replaced]


def test_browsers_on_allowed_origins_may_read_the_request_id(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dash.example.org"]
    response = client.get(HEADLINE, HTTP_ORIGIN="https://dash.example.org")
    exposed = [h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")]
    assert "x-request-id" in exposed and "etag" in exposed


# --- logs ---------------------------------------------------------------------------------------------------------


def test_a_request_that_raises_is_one_json_line_with_its_traceback_and_request_id(client, monkeypatch, json_log):
    raise_in_the_deal_list(monkeypatch, RuntimeError("the deal list fell over"))
    response = client.get("/api/v1/deals/?kind=purchase", HTTP_X_REQUEST_ID="trace-me-42")

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error. It has been logged.", "request_id": "trace-me-42"}
    assert response["X-Request-ID"] == "trace-me-42"
    [line] = json_log()
    assert line["request_id"] == "trace-me-42"
    assert line["event"] == "request_failed" and line["level"] == "error"
    assert (line["method"], line["path"], line["status"], line["user"]) == (
        "GET",
        "/api/v1/deals/?kind=purchase",
        500,
        "anonymous",
    )
    assert line["exception"].startswith("Traceback (most recent call last):")
    assert "RuntimeError: the deal list fell over" in line["exception"]
    assert "list_" in line["exception"]


def test_a_server_error_drf_answers_itself_carries_the_request_id(client, monkeypatch, json_log):
    raise_in_the_deal_list(monkeypatch, exceptions.APIException())
    response = client.get("/api/v1/deals/")
    assert response.status_code == 500
    assert response.json()["request_id"] == response["X-Request-ID"]
    [line] = json_log()
    assert (line["status"], line["request_id"]) == (500, response["X-Request-ID"])


def test_each_request_is_one_line_with_method_path_status_duration_user_and_id(client, curator, json_log):
    anonymous = client.get(HEADLINE)
    client.force_login(curator)
    signed_in = client.get("/api/v1/deals/999999999/")
    # Signing in writes lines of its own (django-axes notes each login); the requests write one line each.
    first, second = [line for line in json_log() if line["event"].startswith("request_")]
    assert first["event"] == "request_finished" and first["level"] == "info"
    assert (first["method"], first["path"], first["status"], first["user"]) == ("GET", HEADLINE, 200, "anonymous")
    assert first["request_id"] == anonymous["X-Request-ID"]
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["remote_addr"] == "127.0.0.1" and first["timestamp"].endswith("Z")
    assert (second["status"], second["user"], second["level"]) == (404, "curator", "warning")
    assert second["request_id"] == signed_in["X-Request-ID"]


def test_the_text_format_is_readable_and_carries_the_same_fields(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("text"))
    logging.getLogger().addHandler(handler)
    try:
        response = client.get("/api/v1/actors/serbia/")
    finally:
        logging.getLogger().removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    assert not line.startswith("{")
    assert "request_finished" in line and "status=200" in line and "user=anonymous" in line
    assert f"request_id={response['X-Request-ID']}" in line


def test_log_settings_are_checked():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config("xml", "INFO")
    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL"):
        logging_config("json", "LOUD")


# --- health and readiness -----------------------------------------------------------------------------------------


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_when_the_database_does(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_readyz_names_the_database_when_it_is_unreachable(client, monkeypatch):
    unreachable = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "dealgraph",
                "USER": "postgres",
                "HOST": "127.0.0.1",
                "PORT": closed_port(),
                "OPTIONS": {"connect_timeout": 2},
            }
        }
    )
    monkeypatch.setattr(probes, "connections", unreachable)
    try:
        response = client.get("/readyz")
    finally:
        unreachable.close_all()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "failed"}, "failed": ["database"]}
    assert response["Cache-Control"] == "no-store"


def test_readyz_names_redis_when_the_cache_is_redis_and_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
    assert response.json()["checks"] == {"database": "ok", "redis": "failed"}


def test_probes_are_not_throttled_logged_or_cached(client, monkeypatch, json_log):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "1000/minute"})
    codes = [client.get(path).status_code for path in ["/healthz", "/readyz"] * 5]
    assert codes == [200] * 10
    assert json_log() == []
    # The limit is live: the API itself refuses the third anonymous request.
    assert [client.get("/api/v1/actors/serbia/").status_code for _ in range(3)] == [200, 200, 429]
    assert len(json_log()) == 3


def test_probes_answer_head_without_a_body(client, rf):
    # The test client drops HEAD bodies itself, as gunicorn does (with a warning each time): ask the middleware.
    answer = probes.ProbeMiddleware(lambda request: pytest.fail("a probe reached the app"))
    for path in ("/healthz", "/readyz", "/metrics"):
        response = answer(rf.head(path, REMOTE_ADDR="127.0.0.1"))
        assert response.status_code == 200 and response.content == b"", path
        assert response["Cache-Control"] == "no-store", path
        assert client.head(path)["X-Request-ID"], path


def test_probes_only_read(client):
    for path in ("/healthz", "/readyz", "/metrics"):
        response = client.post(path)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD", path
        assert "detail" in response.json()


def test_probes_answer_a_load_balancer_by_address_over_plain_http(client, settings):
    # ALLOWED_HOSTS and the https redirect protect the site; a balancer probing 10.0.0.5:8000 must still get in.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["dealgraph.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/api/v1/", HTTP_HOST="10.0.0.5:8000").status_code == 400


# --- metrics ------------------------------------------------------------------------------------------------------


def sample(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def metrics(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_metrics_show_a_request_just_made(client):
    by_view = "django_http_responses_total_by_status_view_method_total"
    labels = {"view": "deal-list", "method": "GET", "status": "200"}
    before = metrics(client)
    assert client.get(HEADLINE).status_code == 200
    after = metrics(client)
    assert sample(after, by_view, **labels) == sample(before, by_view, **labels) + 1
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    assert (
        sample(after, latency, view="deal-list", method="GET")
        == sample(before, latency, view="deal-list", method="GET") + 1
    )
    statements = "django_db_execute_total"
    assert sample(after, statements, alias="default") >= sample(before, statements, alias="default") + 1


def test_metrics_count_database_errors(client):
    from django.db import DatabaseError, connection

    before = metrics(client)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    after = metrics(client)
    errors = "django_db_errors_total"
    assert sum(
        s.value
        for f in text_string_to_metric_families(after)
        for s in f.samples
        if s.name == errors and s.labels["alias"] == "default"
    ) == 1 + sum(
        s.value
        for f in text_string_to_metric_families(before)
        for s in f.samples
        if s.name == errors and s.labels["alias"] == "default"
    )


def test_metrics_count_response_cache_hits_and_misses(client, settings):
    settings.RESPONSE_CACHE_SECONDS = 60
    response_cache.install_on_open_connections()
    try:
        name = "dealgraph_response_cache_lookups_total"
        before = metrics(client)
        assert client.get("/api/v1/actors/?kind=state")["X-Cache"] == "miss"
        assert client.get("/api/v1/actors/?kind=state")["X-Cache"] == "hit"
        after = metrics(client)
    finally:
        response_cache.uninstall_from_open_connections()
    assert sample(after, name, result="miss") == sample(before, name, result="miss") + 1
    assert sample(after, name, result="hit") == sample(before, name, result="hit") + 1


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_metrics_are_open_to_loopback(client, address):
    metrics(client, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    "extra",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        {"REMOTE_ADDR": "10.0.0.8"},
        {"REMOTE_ADDR": "not-an-address"},
        # A loopback request through the proxy came from anywhere; the client's claimed address changes nothing.
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_PROTO": "https"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=127.0.0.1"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_REAL_IP": "127.0.0.1"},
        # No token is configured, so no bearer opens them.
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer "},
    ],
)
def test_metrics_are_refused_elsewhere(client, extra):
    response = client.get("/metrics", **extra)
    assert response.status_code == 403
    assert "METRICS_TOKEN" in response.json()["detail"]
    assert b"django_http" not in response.content


def test_metrics_open_to_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    away = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    metrics(client, HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", **away)
    metrics(client, HTTP_AUTHORIZATION="bearer s3cret-scrape-token", **away)
    for wrong in [
        "Bearer s3cret-scrape-toke",
        "Bearer s3cret-scrape-token-2",
        "Token s3cret-scrape-token",
        "Bearer",
        "",
    ]:
        assert client.get("/metrics", HTTP_AUTHORIZATION=wrong, **away).status_code == 403, wrong


def test_metrics_open_to_allowed_addresses(client, settings):
    settings.METRICS_ALLOWED_IPS = ["198.51.100.7", "203.0.113.0/24", "2001:db8::/32"]
    for address in ["198.51.100.7", "203.0.113.200", "2001:db8::5"]:
        metrics(client, REMOTE_ADDR=address)
    for address in ["198.51.100.8", "203.0.114.1", "2001:db9::5"]:
        assert client.get("/metrics", REMOTE_ADDR=address).status_code == 403, address
    # Through a proxy, an allowed address is the proxy's, not the scraper's.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.200", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 403


def test_a_malformed_allowed_address_is_a_configuration_error(client, settings):
    from django.core.exceptions import ImproperlyConfigured

    from core import metrics as metrics_module

    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_IPS"):
        metrics_module.allowed(type("R", (), {"META": {"REMOTE_ADDR": "203.0.113.9"}})())


# --- JSON under /api/ whatever DEBUG is ---------------------------------------------------------------------------


def test_with_debug_on_an_unknown_api_path_is_json(client, settings):
    settings.DEBUG = True
    for path in ["/api/v1/nowhere/", "/api/nothing-here", "/api/v1/deals/not-a-number/x/"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["detail"].startswith("No resource at"), path
    # Outside the API, the developer still gets Django's debug page.
    page = client.get("/not-a-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_with_debug_on_a_server_error_under_api_is_json_with_the_request_id(client, settings, monkeypatch, json_log):
    settings.DEBUG = True
    raise_in_the_deal_list(monkeypatch, RuntimeError("debug boom"))
    for accept in ["text/html", "application/json", "*/*"]:
        response = client.get("/api/v1/deals/", HTTP_ACCEPT=accept)
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "detail": "Server error. It has been logged.",
            "request_id": response["X-Request-ID"],
        }
    assert [line["status"] for line in json_log()] == [500, 500, 500]
    assert all("debug boom" in line["exception"] for line in json_log())


def test_with_debug_on_drf_answers_are_left_alone(client, settings):
    settings.DEBUG = True
    browsable = client.get("/api/v1/deals/999999999/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 404 and browsable["Content-Type"].startswith("text/html")
    plain = client.get("/api/v1/deals/999999999/")
    assert plain.status_code == 404 and plain.json() == {"detail": "No Deal matches the given query."}
