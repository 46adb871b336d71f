"""Every reviewed deal has a supporting citation, whichever path writes it: the API, the admin, the seed, the
SIPRI import, the generator and restore. Each refusal is checked in what was stored, not only in the answer."""

import json
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from deals.models import Deal, Delivery
from deals.services import EVIDENCE_NEEDED, deals_lacking_support
from sources.models import Citation, Source
from systems.models import System

from .api_contract import row_counts
from .factories import WILLING, article, inline_management
from .factories import deal_body as api_deal_body
from .factories import deal_form as admin_deal_form
from .sipri_files import CLASSIC_ROWS, classic

API = "/api/v1"
INTERESTED = "Serbia and Armenia are reportedly interested"


def stored():
    """Counts of everything a refused write might have left behind, history included."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in (Deal, Delivery, Citation)}


def deal_body(**overrides):
    """A reviewed deal for the API, marked so a test can find what it stored."""
    return api_deal_body(**{"notes": "evidence test", **overrides})


def deal_form(**overrides):
    """The admin's add form for a reviewed deal, marked so a test can find what it stored."""
    return admin_deal_form(**{"review_status": "reviewed", "notes": "evidence test", **overrides})


@pytest.fixture
def api(curator):
    client = APIClient()
    client.force_authenticate(curator)
    return client


def if_match(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    return {"HTTP_IF_MATCH": response["ETag"]}


def singly_supported_deal() -> Deal:
    """A seeded reviewed deal backed by exactly one supporting citation."""
    for deal in Deal.objects.filter(review_status="reviewed").order_by("pk"):
        if deal.citations.filter(stance="supports").count() == 1:
            return deal
    raise AssertionError("the seed has no reviewed deal with exactly one supporting citation")


# The API


@pytest.mark.django_db
@pytest.mark.parametrize(
    "citations",
    [None, [], [{"quote": INTERESTED, "stance": "contradicts"}]],
    ids=["no-citations-key", "empty-list", "only-contradicting"],
)
def test_api_create_reviewed_without_support_is_400_and_stores_nothing(api, citations):
    before = stored()
    body = deal_body() if citations is None else deal_body(citations=[{"source": article().pk, **c} for c in citations])
    response = api.post(f"{API}/deals/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"review_status": [EVIDENCE_NEEDED]}
    assert stored() == before
    assert not Deal.objects.filter(notes="evidence test").exists()


@pytest.mark.django_db
def test_api_create_reviewed_with_a_supporting_citation_is_201(api):
    response = api.post(
        f"{API}/deals/", deal_body(citations=[{"source": article().pk, "quote": WILLING}]), format="json"
    )
    assert response.status_code == 201, response.content
    deal = Deal.objects.get(pk=response.json()["id"])
    assert deal.review_status == "reviewed"
    assert list(deal.citations.values_list("stance", "quote")) == [("supports", WILLING)]


@pytest.mark.django_db
def test_api_create_draft_without_citation_is_201(api):
    response = api.post(f"{API}/deals/", deal_body(review_status="draft"), format="json")
    assert response.status_code == 201, response.content
    deal = Deal.objects.get(pk=response.json()["id"])
    assert deal.review_status == "draft" and not deal.citations.exists()


@pytest.mark.django_db
def test_api_patch_or_put_a_draft_to_reviewed_needs_support_first(api):
    deal_id = api.post(f"{API}/deals/", deal_body(review_status="draft"), format="json").json()["id"]
    path = f"{API}/deals/{deal_id}/"
    before = stored()

    response = api.patch(
        path, {"review_status": "reviewed", "notes": "looked at"}, format="json", **if_match(api, path)
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"review_status": [EVIDENCE_NEEDED]}
    response = api.put(path, deal_body(notes="looked at"), format="json", **if_match(api, path))
    assert response.status_code == 400, response.content
    assert "review_status" in response.json()
    deal = Deal.objects.get(pk=deal_id)
    assert (deal.review_status, deal.notes) == ("draft", "evidence test")  # neither field of the refusal stuck
    assert stored() == before

    # With its evidence added through /citations/, the same change goes through.
    created = api.post(f"{API}/citations/", {"source": article().pk, "deal": deal_id, "quote": WILLING}, format="json")
    assert created.status_code == 201, created.content
    response = api.patch(path, {"review_status": "reviewed"}, format="json", **if_match(api, path))
    assert response.status_code == 200, response.content
    assert Deal.objects.get(pk=deal_id).review_status == "reviewed"


@pytest.mark.django_db
def test_api_deleting_the_last_supporting_citation_is_409_and_keeps_it(api):
    """409, not 400: the DELETE itself is well formed and has no field to fix; the deal's state forbids it, as a
    record others still depend on does (also a 409 here)."""
    deal = singly_supported_deal()
    citation = deal.citations.get(stance="supports")
    path = f"{API}/citations/{citation.pk}/"
    before = stored()
    response = api.delete(path, **if_match(api, path))
    assert response.status_code == 409, response.content
    assert EVIDENCE_NEEDED in response.json()["detail"] and f"Deal {deal.pk}" in response.json()["detail"]
    assert Citation.objects.filter(pk=citation.pk).exists()
    assert stored() == before

    # A second supporting citation makes the first one deletable.
    Citation.objects.create(source=article(), deal=deal, quote=WILLING)
    response = api.delete(path, **if_match(api, path))
    assert response.status_code == 204
    assert not Citation.objects.filter(pk=citation.pk).exists()


@pytest.mark.django_db
def test_api_turning_the_last_support_into_a_contradiction_is_400_naming_stance(api):
    deal = singly_supported_deal()
    citation = deal.citations.get(stance="supports")
    path = f"{API}/citations/{citation.pk}/"
    before = stored()
    response = api.patch(
        path, {"stance": "contradicts", "note": "on second reading"}, format="json", **if_match(api, path)
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["stance"] and EVIDENCE_NEEDED in response.json()["stance"][0]
    citation.refresh_from_db()
    assert (citation.stance, citation.note) == ("supports", "")
    assert stored() == before


@pytest.mark.django_db
@pytest.mark.parametrize("move", ["another-deal", "an-actor"])
def test_api_moving_the_last_support_away_is_400_naming_deal(api, move):
    deal = singly_supported_deal()
    citation = deal.citations.get(stance="supports")
    path = f"{API}/citations/{citation.pk}/"
    other = Deal.objects.exclude(pk=deal.pk).order_by("pk").first()
    change = {"deal": other.pk} if move == "another-deal" else {"deal": None, "actor": "armenia"}
    before = stored()
    response = api.patch(path, change, format="json", **if_match(api, path))
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["deal"]
    citation.refresh_from_db()
    assert (citation.deal_id, citation.actor_id) == (deal.pk, None)
    assert stored() == before


# The admin


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def inline_citation(index=0, *, stance="supports", quote=WILLING, **extra):
    fields = {
        "source": article().pk,
        "quote": quote,
        "locator": "",
        "stance": stance,
        "hedge": "conditional",
        "hedge_text": "",
        "note": "",
        **extra,
    }
    return {f"citations-{index}-{name}": value for name, value in fields.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("stance", [None, "contradicts"], ids=["no-inline-citation", "only-contradicting"])
def test_admin_add_reviewed_without_support_shows_the_error_and_saves_nothing(curator_client, stance):
    citations = {} if stance is None else {**inline_management("citations", total=1), **inline_citation(stance=stance)}
    before = stored()
    response = curator_client.post(admin_url(Deal, "add"), deal_form(**citations))
    assert response.status_code == 200
    assert EVIDENCE_NEEDED in response.content.decode()
    assert stored() == before
    assert not Deal.objects.filter(notes="evidence test").exists()


@pytest.mark.django_db
def test_admin_add_reviewed_with_its_first_citation_inline_saves_both(curator_client):
    response = curator_client.post(
        admin_url(Deal, "add"), deal_form(**inline_management("citations", total=1), **inline_citation())
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    deal = Deal.objects.get(notes="evidence test")
    assert deal.review_status == "reviewed"
    assert list(deal.citations.values_list("stance", "quote")) == [("supports", WILLING)]


@pytest.mark.django_db
def test_admin_change_cannot_delete_the_last_support_inline(curator_client):
    deal = singly_supported_deal()
    citations = list(deal.citations.order_by("pk"))
    inline = {}
    for index, citation in enumerate(citations):
        inline.update(
            inline_citation(
                index,
                id=citation.pk,
                deal=deal.pk,
                source=citation.source_id,
                quote=citation.quote,
                stance=citation.stance,
                hedge=citation.hedge,
            )
        )
        if citation.stance == "supports":
            inline[f"citations-{index}-DELETE"] = "on"
    data = deal_form(
        supplier=deal.supplier_id,
        recipient=deal.recipient_id,
        system=deal.system_id,
        kind=deal.kind,
        status=deal.status,
        year=deal.year or "",
        notes="changed in the admin",
        **inline_management("citations", total=len(citations), initial=len(citations)),
        **inline,
        **inline_management("deliveries", total=deal.deliveries.count(), initial=deal.deliveries.count()),
        **{
            f"deliveries-{i}-{name}": value
            for i, d in enumerate(deal.deliveries.order_by("year"))
            for name, value in {"id": d.pk, "deal": deal.pk, "year": d.year}.items()
        },
    )
    before = stored()
    response = curator_client.post(admin_url(Deal, "change", deal.pk), data)
    assert response.status_code == 200
    assert EVIDENCE_NEEDED in response.content.decode()
    assert stored() == before
    deal.refresh_from_db()
    assert deal.notes != "changed in the admin" and deal.citations.filter(stance="supports").count() == 1


@pytest.mark.django_db
def test_admin_mark_reviewed_refuses_a_deal_lacking_evidence_and_changes_none(curator_client):
    bare = Deal.objects.create(
        supplier=Actor.objects.get(slug="china"),
        recipient=Actor.objects.get(slug="armenia"),
        system=System.objects.get(slug="ch-95"),
        kind="purchase",
        status="order",
    )
    backed = singly_supported_deal()
    Deal.objects.filter(pk=backed.pk).update(review_status="draft")
    before = stored()
    response = curator_client.post(
        admin_url(Deal, "changelist"),
        {
            "action": "mark_reviewed",
            "_selected_action": [bare.pk, backed.pk],
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any(EVIDENCE_NEEDED in m and str(bare.pk) in m and "No deal was changed" in m for m in shown), shown
    assert {d.pk: d.review_status for d in Deal.objects.filter(pk__in=[bare.pk, backed.pk])} == {
        bare.pk: "draft",
        backed.pk: "draft",
    }
    assert stored() == before

    # Without the bare deal, the same action goes through.
    curator_client.post(admin_url(Deal, "changelist"), {"action": "mark_reviewed", "_selected_action": [backed.pk]})
    assert Deal.objects.get(pk=backed.pk).review_status == "reviewed"


@pytest.mark.django_db
def test_citation_admin_keeps_a_reviewed_deals_last_support(curator_client):
    deal = singly_supported_deal()
    citation = deal.citations.get(stance="supports")
    form = {
        "source": citation.source_id,
        "quote": citation.quote,
        "locator": citation.locator,
        "stance": "contradicts",
        "hedge": citation.hedge,
        "hedge_text": citation.hedge_text,
        "note": "",
        "deal": deal.pk,
        "actor": "",
        "system": "",
    }
    before = stored()
    response = curator_client.post(admin_url(Citation, "change", citation.pk), form)
    assert response.status_code == 200 and EVIDENCE_NEEDED in response.content.decode()
    confirm = curator_client.get(admin_url(Citation, "delete", citation.pk)).content.decode()
    assert EVIDENCE_NEEDED in confirm
    curator_client.post(admin_url(Citation, "delete", citation.pk), {"post": "yes"})
    curator_client.post(
        admin_url(Citation, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [citation.pk],
            "post": "yes",
        },
    )
    assert Citation.objects.get(pk=citation.pk).stance == "supports"
    assert stored() == before


# The management commands


@pytest.mark.django_db
def test_seeded_reviewed_deals_all_have_support():
    assert Deal.objects.filter(review_status="reviewed").exists()
    assert not deals_lacking_support(Deal.objects.all()).exists()


@pytest.mark.django_db
def test_seed_refuses_a_fixture_with_a_reviewed_deal_lacking_support(tmp_path, settings):
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "seed_article.json").read_text(encoding="utf-8"))
    deal = next(o for o in fixture if o["model"] == "deals.deal")
    deal = {**deal, "fields": {**deal["fields"], "uid": "0b6f61d6-6bd4-4bfb-9f1e-1f0c2f7e0d11", "year": 2019}}
    path = tmp_path / "unsupported.json"
    path.write_text(json.dumps([deal]), encoding="utf-8")
    before = stored()
    with pytest.raises(CommandError, match="Nothing was seeded: A reviewed deal needs at least one supporting"):
        call_command("seed", str(path), verbosity=0)
    assert stored() == before
    assert not Deal.objects.filter(uid=deal["fields"]["uid"]).exists()


@pytest.fixture
def sipri_file(tmp_path):
    return classic(tmp_path, CLASSIC_ROWS, encoding="latin-1", newline="\r\n")


def sipri_rows():
    return row_counts()


@pytest.mark.django_db
def test_import_sipri_cites_the_release_in_support_of_every_deal(sipri_file):
    call_command("import_sipri", str(sipri_file), verbosity=0)
    release = Source.objects.get(title="SIPRI Arms Transfers Database: trade register (data generated 3 Mar 2030)")
    imported = Deal.objects.filter(citations__source=release).distinct()
    assert imported.count() == 6 and set(imported.values_list("review_status", flat=True)) == {"reviewed"}
    assert not deals_lacking_support(imported).exists()
    assert set(Citation.objects.filter(source=release).values_list("stance", flat=True)) == {"supports"}


@pytest.mark.django_db
def test_import_sipri_fails_the_file_when_a_reviewed_deal_ends_up_unsupported(sipri_file, monkeypatch, capsys):
    from deals.importers.sipri import writer

    real = writer.Writer._new_citation

    def contradicting(self, sd, deal_pk):  # a bug in the writer, writing the release's row against its deal
        real(self, sd, deal_pk)
        self.new_citations[-1]["stance"] = "contradicts"

    monkeypatch.setattr(writer.Writer, "_new_citation", contradicting)
    before = sipri_rows()
    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_sipri", str(sipri_file), verbosity=0)
    assert "not imported, nothing of it was written: A reviewed deal needs at least one supporting" in (
        capsys.readouterr().err
    )
    assert sipri_rows() == before


@pytest.mark.django_db
def test_generate_deals_gives_every_reviewed_deal_support():
    before = Deal.objects.count()
    call_command("generate_deals", count=40, seed=3, verbosity=0)
    generated = Deal.objects.filter(pk__gt=Deal.objects.order_by("pk").values_list("pk", flat=True)[before - 1])
    assert generated.count() == 40 and generated.filter(review_status="reviewed").exists()
    assert not deals_lacking_support(Deal.objects.all()).exists()


@pytest.mark.django_db
def test_generate_deals_fails_the_run_when_a_reviewed_deal_ends_up_unsupported(monkeypatch):
    from bench import synthetic as demo

    # A generator that writes every citation as a contradiction: each reviewed deal then lacks support.
    monkeypatch.setattr(demo, "Stance", SimpleNamespace(SUPPORTS="contradicts", CONTRADICTS="contradicts"))
    before = stored(), Source.objects.count(), Actor.objects.count(), System.objects.count()
    with pytest.raises(CommandError, match="Nothing was generated: A reviewed deal needs at least one supporting"):
        call_command("generate_deals", count=40, seed=3, verbosity=0)
    assert (stored(), Source.objects.count(), Actor.objects.count(), System.objects.count()) == before


def test_restore_refuses_a_backup_with_a_reviewed_deal_lacking_support(committed_db, tmp_path):
    deal = singly_supported_deal()
    # The deal's citations removed behind the services' back; the deal still says it is reviewed.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Citation._meta.db_table} WHERE deal_id = %s", [deal.pk])
    path = tmp_path / "backup"
    call_command("backup", str(path))

    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    message = str(refused.value)
    assert message.startswith("Nothing was restored: A reviewed deal needs at least one supporting citation")
    assert str(deal.pk) in message and "review_status to draft" in message
    assert (Deal.objects.count(), Citation.objects.count(), Source.objects.count(), Actor.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert Deal.history.count() == 0
