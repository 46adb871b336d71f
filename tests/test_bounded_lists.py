"""No representation embeds a list that grows with the data: each embedded to-many list shows its first items, says
how many there are, and (where the items have a list of their own) links to it."""

from urllib.parse import parse_qsl

import pytest
from django.db import IntegrityError, transaction
from rest_framework import relations, serializers

from actors.models import Actor, ActorAlias
from config.api_urls import router
from core.api import views
from core.api.fields import FirstItems, ItemCount
from deals.models import MAX_YEAR, MIN_YEAR, Delivery
from sources.models import Citation, Source
from systems.models import System, SystemAlias

from .factories import make_actors, make_deal, make_systems, token_client

pytestmark = pytest.mark.django_db

# Lists the database itself bounds, and why.
BOUNDED_BY_THE_DATABASE = {
    ("DealSerializer", "deliveries"): "one row per deal and year, years from MIN_YEAR to MAX_YEAR",
    ("DealSerializer", "delivery_years"): "one row per deal and year, years from MIN_YEAR to MAX_YEAR",
}


def embedded_lists(serializer, owner=None):
    """(serializer name, field name, field) of every to-many field a read shows, at any depth."""
    owner = owner or type(serializer).__name__
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, (serializers.ListSerializer, relations.ManyRelatedField, serializers.ListField)):
            yield owner, name, field
        elif isinstance(field, serializers.BaseSerializer):
            yield from embedded_lists(field, f"{owner}.{name}")


def read_serializers():
    for _, viewset, _ in router.registry:
        for attribute in ("serializer_class", "detail_serializer_class"):
            found = getattr(viewset, attribute, None)
            if found is not None:
                yield found()


def test_every_embedded_list_is_bounded_and_counted():
    seen = set()
    for serializer in read_serializers():
        for owner, name, field in embedded_lists(serializer):
            seen.add((owner, name))
            if (owner, name) in BOUNDED_BY_THE_DATABASE:
                continue
            assert isinstance(field, FirstItems), f"{owner}.{name} embeds every related row; use first_items()"
            counts = [f for f in serializer.fields.values() if type(f) is ItemCount and f.source == field.source]
            assert counts, f"{owner}.{name} shows its first {field.limit} items without saying how many there are"
    assert set(BOUNDED_BY_THE_DATABASE) <= seen, "an entry of BOUNDED_BY_THE_DATABASE names no field any longer"


def test_a_deal_has_one_delivery_row_a_year_within_the_year_range():
    deal = make_deal()
    Delivery.objects.create(deal=deal, year=2020, quantity=1)
    for year in (2020, MIN_YEAR - 1, MAX_YEAR + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.create(deal=deal, year=year, quantity=1)
    assert deal.deliveries.count() == 1


def get(url, **params):
    """An anonymous GET of `url` (its own query and `params`)."""
    path, _, query = url.partition("?")
    response = token_client().get(path, {**dict(parse_qsl(query)), **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture(params=["compiled", "drf"])
def renderer(request, monkeypatch):
    """Each case runs through the plans compiled from the serializers and through DRF alone."""
    if request.param == "drf":
        monkeypatch.setattr(views, "plan_for", lambda serializer_class: None)
    return request.param


def test_a_deal_shows_its_first_citations_and_links_to_all(renderer):
    deal = make_deal()
    sources = Source.objects.bulk_create([Source(kind="article", title=f"Story {i}") for i in range(25)])
    Citation.objects.bulk_create([Citation(source=s, deal=deal, quote=f"quote {i}") for i, s in enumerate(sources)])
    total = deal.citations.count()
    assert total == 26
    first = list(deal.citations.order_by("id").values_list("id", flat=True)[:20])
    for body in (get(f"/api/v1/deals/{deal.pk}/"), get("/api/v1/deals/", system="ch-95", recipient="armenia")):
        shown = body if "citations" in body else next(d for d in body["results"] if d["id"] == deal.pk)
        assert [c["id"] for c in shown["citations"]] == first
        assert shown["citation_count"] == total
        linked = get(shown["citations_url"], page_size=100)
        assert linked["count"] == total and {c["id"] for c in linked["results"]} >= set(first)


def test_an_actor_shows_its_first_aliases_and_parts(renderer):
    serbia = Actor.objects.get(slug="serbia")
    ActorAlias.objects.bulk_create([ActorAlias(actor=serbia, name=f"Name {i:02}") for i in range(60)])
    companies = make_actors(55)
    Actor.objects.filter(pk__in=[c.pk for c in companies]).update(part_of=serbia)
    aliases = serbia.aliases.count()
    detail = get("/api/v1/actors/serbia/")
    assert len(detail["aliases"]) == 50 and detail["alias_count"] == aliases
    assert [a["name"] for a in detail["aliases"]] == list(
        serbia.aliases.order_by("name", "id").values_list("name", flat=True)[:50]
    )
    assert len(detail["parts"]) == 50 and detail["part_count"] == serbia.parts.count() >= 55
    assert get(detail["parts_url"])["count"] == detail["part_count"]
    listed = next(a for a in get("/api/v1/actors/", q="serbia")["results"] if a["slug"] == "serbia")
    assert len(listed["aliases"]) == 50 and listed["alias_count"] == aliases


def test_an_actor_shows_its_first_successors_and_predecessors(renderer):
    states = make_actors(55)
    union = Actor.objects.create(slug="test-union", name="Test Union", kind="state")
    union.successors.set(states)
    for state in states[:52]:
        state.successors.add(union)
    detail = get("/api/v1/actors/test-union/")
    assert len(detail["successors"]) == 50 and detail["successor_count"] == 55
    assert len(detail["predecessors"]) == 50 and detail["predecessor_count"] == 52
    assert [a["slug"] for a in detail["successors"]] == list(
        union.successors.order_by("name", "id").values_list("slug", flat=True)[:50]
    )


def test_a_system_shows_its_first_aliases_and_variants(renderer):
    base = System.objects.get(slug="mig-29")
    SystemAlias.objects.bulk_create([SystemAlias(system=base, name=f"Fulcrum {i:02}") for i in range(55)])
    variants = make_systems(52)
    System.objects.filter(pk__in=[v.pk for v in variants]).update(variant_of=base)
    detail = get("/api/v1/systems/mig-29/")
    assert len(detail["aliases"]) == 50 and detail["alias_count"] == base.aliases.count() >= 55
    assert len(detail["variants"]) == 50 and detail["variant_count"] == base.variants.count() >= 52
    assert get(detail["variants_url"])["count"] == detail["variant_count"]
    listed = next(s for s in get("/api/v1/systems/", q="mig-29")["results"] if s["slug"] == "mig-29")
    assert len(listed["aliases"]) == 50 and listed["alias_count"] == detail["alias_count"]
