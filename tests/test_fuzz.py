"""Schema-driven fuzzing: every operation in /api/schema/, anonymous and as a curator, must answer as documented.

Deterministic (derandomized Hypothesis, bounded examples per operation), in-process through the WSGI app."""

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from config.wsgi import application
from tests.factories import make_token

MAX_EXAMPLES = 25
SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
SETTINGS = settings(
    max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which closes the database connection and with it
    the test's transaction; Django's own test client unhooks this handler, and so must we."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def curator_headers(django_user_model):
    user = django_user_model.objects.create_user("fuzz-curator")
    user.groups.add(Group.objects.get(name="curators"))
    return {"Authorization": f"Token {make_token(user)}"}


def fuzz(operation, headers):
    @given(case=operation.as_strategy())
    @SETTINGS
    def run(case):
        case.call_and_validate(checks=CHECKS, headers=headers)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("operation", [op for op in OPERATIONS if op.method.upper() == "GET"], ids=lambda op: op.label)
def test_anonymous_reads(operation):
    fuzz(operation, {})


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_curator(operation, curator_headers):
    fuzz(operation, curator_headers)
