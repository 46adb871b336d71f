"""The seed article's cases from the brief, as the seeded database must answer them."""

import pytest

from actors.models import Actor, ActorAlias
from deals.models import Deal
from sources.models import Citation, Source

pytestmark = pytest.mark.django_db

ARTICLE_TITLE = "Iran looks to the Balkan market for drone sales"


def article():
    return Source.objects.get(title=ARTICLE_TITLE)


def deals_from(supplier, recipient, **filters):
    return Deal.objects.filter(supplier__slug=supplier, recipient__slug=recipient, **filters).select_related("system")


def article_quotes(deal):
    return [c.quote for c in deal.citations.filter(source=article())]


def test_case1_five_russian_deals_in_2021():
    deals = deals_from("russia", "serbia", year=2021, citations__source=article())
    assert sorted(d.system.designation for d in deals) == ["Mi-17", "Mi-35", "MiG-29", "Pantsir-S1", "T-72MS"]
    for deal in deals:
        assert deal.kind == "purchase"
        assert deal.quantity_ordered is None and deal.quantity_delivered is None
        assert article_quotes(deal) == [
            "In 2021, Serbia purchased several Russian Mikoyan MiG-29 aircraft, Mi-35 and Mi-17 helicopters, "
            "T-72MS tanks and Pantsir-S1 anti-aircraft systems from Moscow."
        ]
    # "Several" qualifies the MiG-29s only.
    assert {d.system.designation: d.quantity_text for d in deals} == {
        "MiG-29": "several",
        "Mi-35": "",
        "Mi-17": "",
        "T-72MS": "",
        "Pantsir-S1": "",
    }


def test_case1_moscow_is_russia_and_mikoyan_the_producer():
    alias = ActorAlias.objects.get(name="Moscow")
    assert alias.actor.slug == "russia" and alias.kind == "metonym"
    assert not Actor.objects.filter(name__iexact="Moscow").exists()
    mig = Deal.objects.get(supplier__slug="russia", recipient__slug="serbia", year=2021, system__slug="mig-29").system
    assert mig.producer.slug == "mikoyan" and mig.producer.kind == "company"
    assert not Deal.objects.filter(supplier__slug="mikoyan").exists()


def test_case2_two_chinese_agreements_in_2022_without_guessing_the_missiles():
    deals = deals_from("china", "serbia", year=2022, citations__source=article())
    assert {d.system.label for d in deals} == {"CH-92", "anti-aircraft missiles"}
    for deal in deals:
        assert (deal.kind, deal.status) == ("purchase", "agreement")
        assert "they reached an agreement with China" in article_quotes(deal)[0]
    missiles = deals.get(system__is_generic=True).system
    assert missiles.designation == ""


def test_case3_conditional_interest_in_iranian_drones_from_serbia_and_armenia():
    deals = Deal.objects.filter(supplier__slug="iran", status="interest")
    assert sorted(d.recipient.slug for d in deals) == ["armenia", "serbia"]
    for deal in deals:
        assert deal.year is None and deal.kind == "purchase"
        hedges = set(deal.citations.values_list("hedge", "hedge_text"))
        assert ("conditional", "would be willing") in hedges
        assert ("reported", "reportedly") in hedges


def test_case4_manufacturing_support_offer_is_not_a_weapons_delivery():
    deal = Deal.objects.get(supplier__slug="iran", recipient__slug="serbia", kind="manufacturing_support")
    assert deal.status == "offer"
    assert deal.quantity_delivered is None and not deal.deliveries.exists()
    assert deal.citations.get().hedge_text == "would be willing"
    assert not Deal.objects.filter(supplier__slug="iran", recipient__slug="serbia", status="delivered").exists()


def test_case5_other_statements_at_the_stage_the_text_supports():
    to_russia = Deal.objects.get(supplier__slug="iran", recipient__slug="russia")
    assert to_russia.status == "delivered" and to_russia.year is None
    assert set(to_russia.citations.values_list("hedge", flat=True)) == {"implied"}

    chinese_tech = Deal.objects.get(system__slug="chinese-military-technology")
    assert (chinese_tech.supplier.slug, chinese_tech.status, chinese_tech.year) == ("china", "interest", None)
    assert chinese_tech.citations.get().hedge == "intended"

    # Preferences for Western alternatives and the forecast are left out, with a note saying so.
    for state in ["croatia", "albania", "bosnia-and-herzegovina"]:
        assert not Deal.objects.filter(recipient__slug=state).exists()
    notes = article().notes
    assert "Western alternatives" in notes and "forecast" in notes


def test_case6_conflicting_sipri_claims_live_beside_the_article():
    sipri = Source.objects.get(kind="dataset", publisher__contains="SIPRI")
    belarus = Deal.objects.get(supplier__slug="belarus", recipient__slug="serbia", system__slug="mig-29")
    assert belarus.citations.get().source == sipri
    ch95 = Deal.objects.get(supplier__slug="china", recipient__slug="serbia", system__slug="ch-95")
    assert ch95.year == 2022 and ch95.year_is_estimate
    assert ch95.delivery_years == [2022, 2023]

    # The article's own records stand, each carrying both its support and SIPRI's contradiction.
    russian_migs = Deal.objects.get(supplier__slug="russia", recipient__slug="serbia", system__slug="mig-29", year=2021)
    ch92 = Deal.objects.get(system__slug="ch-92", year=2022)
    for deal in (russian_migs, ch92):
        stances = {(c.source.kind, c.stance) for c in deal.citations.select_related("source")}
        assert stances == {("article", "supports"), ("dataset", "contradicts")}


def test_every_seed_deal_is_reviewed_and_cited():
    assert Deal.objects.filter(citations__isnull=True).count() == 0
    assert set(Deal.objects.values_list("review_status", flat=True)) == {"reviewed"}
    assert Citation.objects.filter(source=article()).count() >= 14


def test_reference_data_covers_states_history_and_categories():
    from systems.models import Category

    serbia = Actor.objects.get(iso2="RS")
    assert (serbia.slug, serbia.iso3, serbia.kind) == ("serbia", "SRB", "state")
    assert Actor.objects.get(iso2="XK").name == "Kosovo"
    assert Actor.objects.filter(kind="state").count() >= 193
    soviet = Actor.objects.get(iso_former="SUHH")
    assert {"russia", "ukraine", "belarus"} <= set(soviet.successors.values_list("slug", flat=True))
    assert set(Actor.objects.get(slug="yugoslavia").successors.values_list("slug", flat=True)) >= {"serbia", "croatia"}
    assert Actor.objects.get(slug="czechoslovakia").successors.count() == 2
    assert list(Actor.objects.get(iso_former="DDDE").successors.values_list("slug", flat=True)) == ["germany"]
    assert Actor.objects.get(slug="irgc").part_of.slug == "iran"
    assert Actor.objects.get(slug="aleksandar-vucic").office == "President of Serbia"
    assert Category.objects.count() == 11
