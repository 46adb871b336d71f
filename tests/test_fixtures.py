"""The seed fixtures: faithful to the article, and safe to load again."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from core.text import squash_whitespace
from sources.models import Source

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DOMAIN_APPS = ["actors", "systems", "deals", "sources"]


def snapshot():
    """Every row of every domain table and history table, as plain values."""
    rows = {}
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return rows


def test_seed_twice_changes_nothing():
    before = snapshot()
    call_command("seed", verbosity=0)
    call_command("seed", verbosity=0)
    assert snapshot() == before


def test_fixtures_use_natural_keys_only():
    for name in settings.SEED_FIXTURES:
        for record in json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")):
            assert "pk" not in record, f"{name}: {record['model']} carries a database id"


def test_article_source_holds_the_seed_text(seed_text):
    source = Source.objects.get(title="Iran looks to the Balkan market for drone sales")
    assert source.text == seed_text
    assert source.subtitle in seed_text and source.photo_caption in seed_text
    assert f"{source.photo_credit} - {source.photo_caption}" in seed_text


def test_every_article_quote_is_verbatim_in_the_seed_text(seed_text):
    records = json.loads((FIXTURES / "seed_article.json").read_text(encoding="utf-8"))
    article_uid = next(
        r["fields"]["uid"] for r in records if r["model"] == "sources.source" and r["fields"]["kind"] == "article"
    )
    quotes = [
        r["fields"]["quote"]
        for r in records
        if r["model"] == "sources.citation" and r["fields"]["source"] == [article_uid]
    ]
    assert len(quotes) >= 20
    for quote in quotes:
        assert squash_whitespace(quote) in squash_whitespace(seed_text), quote


def test_seed_refuses_a_fixture_that_breaks_validation(tmp_path, settings):
    bad = [
        {
            "model": "sources.citation",
            "fields": {
                "uid": "00000000-0000-4000-8000-000000000001",
                "source": [str(Source.objects.get(title="Iran looks to the Balkan market for drone sales").uid)],
                "deal": None,
                "actor": ["serbia"],
                "system": None,
                "quote": "words the article never printed",
                "locator": "",
                "stance": "supports",
                "hedge": "asserted",
                "hedge_text": "",
                "note": "",
                "created": "2026-11-28T00:00:00Z",
                "updated": "2026-11-28T00:00:00Z",
            },
        }
    ]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    settings.FIXTURE_DIRS = [tmp_path]
    from django.core.management.base import CommandError

    from sources.models import Citation

    count = Citation.objects.count()
    with pytest.raises(CommandError, match="not found in the stored text"):
        call_command("seed", "bad", verbosity=0)
    assert Citation.objects.count() == count


def test_seed_keeps_curator_edits_and_restores_deleted_records():
    from actors.models import Actor

    serbia = Actor.objects.get(slug="serbia")
    serbia.notes = "Curated note."
    serbia.save()
    Actor.objects.get(slug="nato").delete()
    call_command("seed", verbosity=0)
    assert Actor.objects.get(slug="serbia").notes == "Curated note."
    assert Actor.objects.filter(slug="nato").exists()


def test_seeded_records_start_their_history():
    from deals.models import Deal

    deal = Deal.objects.get(system__slug="pantsir-s1")
    entry = deal.history.get()
    assert (entry.history_type, entry.history_change_reason) == ("+", "Loaded from the seed fixtures")
