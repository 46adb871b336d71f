"""The admin as a curator's tool: every page answers, search finds aliases and quotes, history is kept."""

import pytest
from django.urls import reverse

from actors.models import Actor, ActorAlias, Membership
from deals.models import Deal, Delivery
from sources.models import Citation, Source
from systems.models import Category, System, SystemAlias

from .factories import deal_form, inline_management

pytestmark = pytest.mark.django_db

MODELS = [Actor, ActorAlias, Membership, Category, System, SystemAlias, Deal, Delivery, Source, Citation]
ADMIN_MODELS = [m for m in MODELS if m is not Delivery]  # deliveries are edited inline under their deal

ARTICLE = "Iran looks to the Balkan market for drone sales"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ADMIN_MODELS, ids=lambda m: m.__name__)
def test_changelist_change_add_and_search_pages(curator_client, model):
    assert curator_client.get(admin_url(model, "changelist")).status_code == 200
    assert curator_client.get(admin_url(model, "changelist"), {"q": "Serbia"}).status_code == 200
    assert curator_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert curator_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert curator_client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_admin_needs_login(client):
    response = client.get(admin_url(Deal, "changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_every_model_has_a_readable_str():
    for model in MODELS:
        text = str(model.objects.order_by("pk").first())
        assert text and "object (" not in text, model


def changelist_ids(client, model, **params):
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_deal_search_covers_aliases_designations_and_quotes(curator_client):
    pantsir = Deal.objects.get(system__slug="pantsir-s1")
    assert pantsir.pk in changelist_ids(curator_client, Deal, q="96K9")  # a system alias
    assert pantsir.pk in changelist_ids(curator_client, Deal, q="Moscow")  # an actor metonym
    assert pantsir.pk in changelist_ids(curator_client, Deal, q="anti-aircraft systems from Moscow")  # the quote
    manufacturing = Deal.objects.get(kind="manufacturing_support")
    assert changelist_ids(curator_client, Deal, q="Serbian manufacturing programme") == {manufacturing.pk}


def test_deal_list_filters(curator_client):
    agreements = set(Deal.objects.filter(status="agreement").values_list("pk", flat=True))
    assert changelist_ids(curator_client, Deal, status__exact="agreement") == agreements
    assert changelist_ids(
        curator_client,
        Deal,
        year__exact="2022",
        system__category__id__exact=str(Category.objects.get(slug="missiles").pk),
    ) == {Deal.objects.get(system__slug="anti-aircraft-missiles").pk}
    assert changelist_ids(curator_client, Deal, kind__exact="manufacturing_support") == {
        Deal.objects.get(kind="manufacturing_support").pk
    }


def test_curator_finds_serbia_and_the_pantsir_quote(curator_client):
    assert Actor.objects.get(slug="serbia").pk in changelist_ids(curator_client, Actor, q="Serbia")
    deal = Deal.objects.get(system__slug="pantsir-s1", year=2021)
    page = curator_client.get(admin_url(Deal, "change", deal.pk)).content.decode()
    assert "T-72MS tanks and Pantsir-S1 anti-aircraft systems from Moscow." in page


def test_autocomplete_for_actors_answers(curator_client):
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "serb",
            "app_label": "deals",
            "model_name": "deal",
            "field_name": "recipient",
        },
    )
    assert response.status_code == 200
    assert "Serbia (SRB)" in [r["text"] for r in response.json()["results"]]


def citation_form(quote):
    return {
        **inline_management("citations", total=1),
        "citations-0-source": Source.objects.get(title=ARTICLE).pk,
        "citations-0-quote": quote,
        "citations-0-locator": "",
        "citations-0-stance": "supports",
        "citations-0-hedge": "conditional",
        "citations-0-hedge_text": "would be willing",
        "citations-0-note": "",
    }


def test_admin_refuses_a_quote_missing_from_the_source_text(curator_client):
    count = Deal.objects.count()
    response = curator_client.post(admin_url(Deal, "add"), deal_form(**citation_form("Armenia ordered tanks.")))
    assert response.status_code == 200
    assert f"This quote is not found in the stored text of “{ARTICLE}”." in response.content.decode()
    assert Deal.objects.count() == count


def test_admin_creates_a_deal_with_its_quote_and_history(curator_client, curator):
    quote = "Both Serbia and Armenia would be willing to acquire Iranian weaponry"
    response = curator_client.post(admin_url(Deal, "add"), deal_form(**citation_form(quote)))
    assert response.status_code == 302, response.content.decode()[:2000]
    deal = Deal.objects.get(recipient__slug="armenia", status="offer")
    assert deal.citations.get().quote == quote
    assert deal.history.get().history_user == curator


def test_admin_edit_shows_in_history_with_the_curator(curator_client, curator):
    deal = Deal.objects.get(system__slug="ch-95")
    data = deal_form(
        supplier=deal.supplier_id,
        recipient=deal.recipient_id,
        system=deal.system_id,
        kind=deal.kind,
        status=deal.status,
        review_status=deal.review_status,
        year="2022",
        year_is_estimate="on",
        quantity_ordered="12",
        quantity_ordered_is_estimate="on",
        quantity_delivered="10",
        quantity_delivered_is_estimate="on",
        condition="new",
        notes="Corrected after a later report.",
        **{
            **inline_management("deliveries", total=2, initial=2),
            "deliveries-0-id": deal.deliveries.get(year=2022).pk,
            "deliveries-0-deal": deal.pk,
            "deliveries-0-year": "2022",
            "deliveries-1-id": deal.deliveries.get(year=2023).pk,
            "deliveries-1-deal": deal.pk,
            "deliveries-1-year": "2024",
            **inline_management("citations", total=1, initial=1),
            "citations-0-id": deal.citations.get().pk,
            "citations-0-deal": deal.pk,
            "citations-0-source": deal.citations.get().source_id,
            "citations-0-quote": deal.citations.get().quote,
            "citations-0-locator": "line 20742",
            "citations-0-stance": "supports",
            "citations-0-hedge": "estimated",
            "citations-0-hedge_text": "?",
            "citations-0-note": "",
        },
    )
    response = curator_client.post(admin_url(Deal, "change", deal.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    deal.refresh_from_db()
    assert deal.quantity_ordered == 12 and deal.delivery_years == [2022, 2024]
    assert deal.last_delivery_year == 2024  # the span follows the edited deliveries
    latest = deal.history.first()
    assert latest.history_user == curator and latest.history_type == "~"
    assert "quantity_ordered" in latest.diff_against(latest.prev_record).changed_fields
    page = curator_client.get(admin_url(Deal, "history", deal.pk)).content.decode()
    assert "curator" in page


def test_mark_reviewed_action_records_each_change(curator_client, curator):
    drafts = [Deal.objects.get(system__slug="ch-95"), Deal.objects.get(system__slug="mi-35")]
    Deal.objects.filter(pk__in=[d.pk for d in drafts]).update(review_status="draft")
    response = curator_client.post(
        admin_url(Deal, "changelist"),
        {
            "action": "mark_reviewed",
            "_selected_action": [d.pk for d in drafts],
        },
    )
    assert response.status_code == 302
    for deal in drafts:
        deal.refresh_from_db()
        assert deal.review_status == "reviewed"
        assert deal.history.first().history_user == curator


def test_curator_without_change_permission_cannot_edit(client, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(viewer)
    deal = Deal.objects.first()
    before = Deal.objects.filter(pk=deal.pk).values().get(), deal.history.count()
    assert client.get(admin_url(Deal, "change", deal.pk)).status_code == 200  # read-only view
    assert client.post(admin_url(Deal, "change", deal.pk), deal_form()).status_code == 403
    assert (Deal.objects.filter(pk=deal.pk).values().get(), deal.history.count()) == before


def test_admin_refuses_source_text_that_drops_a_cited_quote(curator_client):
    source = Source.objects.get(title=ARTICLE)
    data = {
        f: getattr(source, f) or ""
        for f in [
            "kind",
            "title",
            "subtitle",
            "url",
            "publisher",
            "authors",
            "language",
            "scope",
            "photo_credit",
            "photo_caption",
            "notes",
        ]
    }
    data.update(text="A rewritten text.", published_on="", retrieved_on="")
    response = curator_client.post(admin_url(Source, "change", source.pk), data)
    assert response.status_code == 200
    assert "no longer contains the quotes of citation(s)" in response.content.decode()
    source.refresh_from_db()
    assert source.text.startswith("Serbia and Armenia")
