"""`generate_deals`: deterministic synthetic deals at realistic proportions, every one with its evidence."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q

from bench.synthetic import MARKER, generate, register_title
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from stats import triggers
from stats.models import DeliveryFact

pytestmark = pytest.mark.django_db
COUNT = 1500


def generated():
    return Deal.objects.filter(citations__source__notes=MARKER).distinct()


def fingerprint():
    """What the generated records say, without the keys a database hands out."""
    return sorted(
        generated().values_list(
            "uid",
            "supplier__slug",
            "recipient__slug",
            "system__slug",
            "kind",
            "status",
            "year",
            "quantity_ordered",
            "review_status",
            "first_delivery_year",
        )
    )


def test_generates_the_count_with_evidence_and_realistic_proportions():
    before = Deal.objects.count()
    call_command("generate_deals", count=COUNT, seed=7, verbosity=0)
    assert Deal.objects.count() - before == COUNT
    deals = generated()
    assert deals.count() == COUNT
    assert deals.annotate(n=Count("citations", filter=Q(citations__stance="supports"))).filter(n=0).count() == 0
    suppliers = Counter(deals.values_list("supplier__slug", flat=True))
    top_five = sum(n for _, n in suppliers.most_common(5))
    assert top_five > COUNT * 0.55, suppliers.most_common(5)  # a few large suppliers dominate
    assert suppliers.most_common(1)[0][0] == "united-states"
    reviewed = deals.filter(review_status="reviewed").count()
    assert 0.9 * COUNT < reviewed < COUNT
    assert Source.objects.get(title=register_title(count=COUNT, seed=7)).citations.count() > COUNT / 3
    delivered = deals.filter(status="delivered")
    assert delivered.filter(deliveries__isnull=False).distinct().count() > delivered.count() * 0.9
    for deal in deals.filter(year__isnull=False, first_delivery_year__isnull=False)[:200]:
        assert deal.first_delivery_year >= deal.year
        deal.full_clean()


def test_same_count_and_seed_give_the_same_deals_and_a_second_run_changes_nothing():
    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate(count=300, seed=11, log=lambda message: None)
            runs.append(fingerprint())
            transaction.set_rollback(True)
    assert runs[0] == runs[1] and len(runs[0]) == 300
    call_command("generate_deals", count=300, seed=11, verbosity=0)
    call_command("generate_deals", count=300, seed=11, verbosity=0)
    assert generated().count() == 300
    with pytest.raises(CommandError, match="other generated deals"):
        call_command("generate_deals", count=300, seed=12, verbosity=0)


def test_every_generated_citation_belongs_to_a_generated_deal():
    generate(count=200, seed=5, log=lambda message: None)
    assert Citation.objects.filter(source__notes=MARKER, deal__isnull=True).count() == 0


def test_the_delivery_statistics_are_whole_after_generating_and_their_triggers_back():
    with transaction.atomic():
        generate(count=COUNT, seed=7, log=lambda message: None)
        assert DeliveryFact.objects.count() == Delivery.objects.count()
        assert triggers.expected() <= triggers.installed()
        transaction.set_rollback(True)
