"""Concurrent writers on PostgreSQL: one If-Match wins, one slug is created once, and nothing answers 500."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from actors.models import Actor
from citations import services as citation_services
from deals.models import Deal
from sources.models import Citation, Source
from tests.factories import make_token

THREADS = 8


@pytest.fixture
def postgres_only(committed_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks only race on PostgreSQL; SQLite runs one writer at a time.")


@pytest.fixture
def token(postgres_only, django_user_model):
    user = django_user_model.objects.create_user("racer")
    user.groups.add(Group.objects.get(name="curators"))
    return make_token(user)


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


def test_racing_deletes_leave_a_reviewed_deal_its_last_supporting_citation(token, monkeypatch):
    check = citation_services.deal_require_support

    def slow_check(*args, **kwargs):
        time.sleep(0.2)  # holds every delete open past the others' checks, so an unlocked check would race
        return check(*args, **kwargs)

    monkeypatch.setattr(citation_services, "deal_require_support", slow_check)
    deal = Deal.objects.get(system__slug="pantsir-s1")
    source = Source.objects.get(title="Iran looks to the Balkan market for drone sales")
    quote = "Both Serbia and Armenia would be willing to acquire Iranian weaponry"
    deal.citations.exclude(stance="supports").delete()
    supporting = list(deal.citations.all()) + [
        Citation.objects.create(source=source, deal=deal, quote=quote) for _ in range(THREADS - deal.citations.count())
    ]
    assert len(supporting) == THREADS and deal.review_status == "reviewed"
    # Each thread deletes a different one: without the deal's row lock, every check would still see the others.
    paths = iter([f"/api/v1/citations/{c.pk}/" for c in supporting])
    codes = race(token, lambda c: c.delete(next(paths), HTTP_IF_MATCH="*"))
    assert codes == [204] * (THREADS - 1) + [409], codes
    assert deal.citations.filter(stance="supports").count() == 1
