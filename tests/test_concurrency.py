"""Concurrent writers on PostgreSQL: one If-Match wins, one slug is created once, and nothing answers 500."""
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from actors.models import Actor
from deals.models import Deal

THREADS = 8


@pytest.fixture
def postgres_only(committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks only race on PostgreSQL; SQLite runs one writer at a time.")


@pytest.fixture
def token(postgres_only, django_user_model):
    user = django_user_model.objects.create_user("racer")
    user.groups.add(Group.objects.get(name="curators"))
    return Token.objects.create(user=user).key


def race(token, request):
    """Run `request(client)` in THREADS threads released at the same instant; return their status codes."""
    barrier, codes = threading.Barrier(THREADS), []

    def worker():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            barrier.wait()
            codes.append(request(client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


def test_same_if_match_only_one_wins(token):
    deal = Deal.objects.get(system__slug="pantsir-s1")
    path = f"/api/v1/deals/{deal.pk}/"
    etag = APIClient().get(path)["ETag"]
    history = deal.history.count()
    codes = race(token, lambda c: c.patch(path, {"notes": "edited in a race"}, format="json", HTTP_IF_MATCH=etag))
    assert codes == [200] + [412] * (THREADS - 1)
    assert deal.history.count() == history + 1
    deal.refresh_from_db()
    assert deal.notes == "edited in a race"


def test_same_slug_is_created_once(token):
    body = {"name": "Race Dynamics", "slug": "race-dynamics", "kind": "company"}
    codes = race(token, lambda c: c.post("/api/v1/actors/", body, format="json"))
    assert codes.count(201) == 1
    assert set(codes) <= {201, 400, 409}, codes
    assert Actor.objects.filter(slug="race-dynamics").count() == 1
