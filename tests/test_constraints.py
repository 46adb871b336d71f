"""Every database rule refuses a bad row: in validation with its message, and in the database itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actors.models import Actor, ActorAlias
from citations.services import citation_create
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import Category, System, SystemAlias

pytestmark = pytest.mark.django_db


def actor(slug):
    return Actor.objects.get(slug=slug)


def base_deal(**overrides):
    fields = {
        "supplier": actor("russia"),
        "recipient": actor("serbia"),
        "system": System.objects.get(slug="mig-29"),
        "kind": "purchase",
        "status": "order",
        "year": 2021,
    }
    fields.update(overrides)
    return Deal(**fields)


def base_system(**overrides):
    fields = {"slug": "test-system", "designation": "X-1", "category": Category.objects.get(slug="aircraft")}
    fields.update(overrides)
    return System(**fields)


def article():
    return Source.objects.get(title="Iran looks to the Balkan market for drone sales")


CASES = {
    "actor_iso_codes_only_for_polities": (
        lambda: Actor(slug="acme", name="Acme", kind="company", iso2="QQ"),
        "Only states, historical states and territories carry ISO codes.",
    ),
    "actor_iso2_format": (
        lambda: Actor(slug="nowhere", name="Nowhere", kind="state", iso2="q1"),
        "An ISO alpha-2 code is two capital letters.",
    ),
    "actor_iso3_format": (
        lambda: Actor(slug="nowhere", name="Nowhere", kind="state", iso3="Q"),
        "An ISO alpha-3 code is three capital letters.",
    ),
    "actor_valid_from_not_after_valid_to": (
        lambda: Actor(slug="oldland", name="Oldland", kind="historical_state", valid_from=1990, valid_to=1950),
        "An actor cannot end before it begins.",
    ),
    "actoralias_unique_name_per_actor": (
        lambda: ActorAlias(actor=actor("russia"), name="MOSCOW", kind="metonym"),
        "This actor already has that alias.",
    ),
    "system_designation_unless_generic": (
        lambda: base_system(designation="", name="some kit", is_generic=False),
        "A named system needs a designation; a generic entry has none.",
    ),
    "systemalias_unique_name_per_system": (
        lambda: SystemAlias(system=System.objects.get(slug="pantsir-s1"), name="pantsyr-s1"),
        "This system already has that alias.",
    ),
    "deal_year_in_range": (lambda: base_deal(year=1850), "Years lie between 1900 and 2100."),
    "deal_no_delivery_before_order_year": (
        lambda: base_deal(year=2021, first_delivery_year=2019, last_delivery_year=2019),
        "A delivery cannot come before the order year.",
    ),
    "deal_delivery_span_ordered": (
        lambda: base_deal(year=2010, first_delivery_year=2015, last_delivery_year=2012),
        "The last delivery year cannot come before the first.",
    ),
    "deal_date_has_precision": (
        lambda: base_deal(date=datetime.date(2021, 5, 1)),
        "A date needs its precision (month or day), and a precision needs a date.",
    ),
    "deal_value_with_currency": (
        lambda: base_deal(value=1000),
        "A value must be non-negative and come with its currency.",
    ),
    "deal_supplier_not_recipient": (
        lambda: base_deal(supplier=actor("serbia")),
        "Supplier and recipient must differ.",
    ),
    "delivery_one_row_per_deal_year": (
        lambda: Delivery(deal=Deal.objects.get(system__slug="ch-95"), year=2022),
        "This deal already has a delivery in that year.",
    ),
    "source_unique_article_url": (
        lambda: Source(kind="article", title="Copy", url="https://example.org/a"),
        "Another article already has this URL.",
    ),
    "source_retrieved_after_published": (
        lambda: Source(
            kind="article", title="T", published_on=datetime.date(2023, 2, 1), retrieved_on=datetime.date(2023, 1, 1)
        ),
        "A source cannot be retrieved before it was published.",
    ),
    "citation_exactly_one_target": (
        lambda: Citation(source=article(), quote="Serbia", deal=Deal.objects.first(), actor=actor("serbia")),
        "A citation supports exactly one record: a deal, an actor or a system.",
    ),
}


@pytest.fixture
def existing_article_url():
    Source.objects.create(kind="article", title="Original", url="https://example.org/a")


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_validation_refuses_with_the_constraint_message(constraint, existing_article_url):
    make, message = CASES[constraint]
    obj = make()
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert message in str(caught.value)


@pytest.mark.parametrize("constraint", sorted(CASES))
def test_database_refuses_the_row_without_validation(constraint, existing_article_url):
    make, _ = CASES[constraint]
    obj = make()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        obj.save()
    # PostgreSQL names the violated constraint; SQLite names it for checks and lists columns for unique ones.
    assert constraint in str(caught.value) or "UNIQUE" in str(caught.value)


def test_quantities_cannot_be_negative():
    deal = base_deal(quantity_ordered=-1)
    with pytest.raises(ValidationError) as caught:
        deal.full_clean()
    assert "quantity_ordered" in caught.value.message_dict


def test_delivery_before_order_year_is_refused_with_its_year():
    deal = Deal.objects.get(system__slug="ch-95")
    with pytest.raises(ValidationError) as caught:
        Delivery(deal=deal, year=2019).full_clean()
    assert caught.value.message_dict["year"] == ["A delivery in 2019 cannot come before the order year 2022."]


def test_partial_date_must_fall_in_the_deal_year():
    deal = base_deal(date=datetime.date(2020, 5, 1), date_precision="month")
    with pytest.raises(ValidationError) as caught:
        deal.full_clean()
    assert "outside the deal's year 2021" in caught.value.message_dict["date"][0]


def test_quote_must_be_found_in_the_stored_text():
    citation = Citation(source=article(), deal=Deal.objects.first(), quote="Serbia bought forty submarines.")
    with pytest.raises(ValidationError) as caught:
        citation.full_clean()
    assert caught.value.message_dict["quote"] == [
        "This quote is not found in the stored text of “Iran looks to the Balkan market for drone sales”."
    ]


def test_quote_matches_across_line_breaks_and_spacing():
    quote = "In 2021, Serbia purchased   several Russian\nMikoyan MiG-29 aircraft"
    citation = citation_create(source=article(), deal=Deal.objects.first(), quote=quote)
    assert Citation.objects.get(pk=citation.pk).quote == quote  # stored as written, not normalised


def test_quote_in_source_without_text_is_accepted():
    sipri = Source.objects.get(kind="dataset")
    citation = citation_create(source=sipri, deal=Deal.objects.first(), quote="any row as published")
    assert Citation.objects.get(pk=citation.pk).quote == "any row as published"


def test_generic_system_needs_a_name():
    system = base_system(designation="", name="", is_generic=True)
    with pytest.raises(ValidationError) as caught:
        system.full_clean()
    assert "A system needs a designation or a name." in str(caught.value)
