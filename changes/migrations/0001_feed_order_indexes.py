"""Indexes in the changes feed's order, (history_date, history_id), on each history table it reads.

Each branch of the feed reads its table in that order until it has a page of the rows the caller may see. With
the history_date index alone, the database must read and check every row sharing one history time before it can
order them by history_id, and an import stamps all its rows of a table with one time: tens of thousands of rows
checked for every page of the feed that reaches them. Kept here rather than on the history models, which
django-simple-history generates and gives no way to declare an index on."""

from django.db import migrations, models

TABLES = [
    ("actors", "HistoricalActor", "actors_hactor_feed_idx"),
    ("actors", "HistoricalActorAlias", "actors_halias_feed_idx"),
    ("systems", "HistoricalSystem", "systems_hsystem_feed_idx"),
    ("systems", "HistoricalSystemAlias", "systems_halias_feed_idx"),
    ("deals", "HistoricalDeal", "deals_hdeal_feed_idx"),
    ("deals", "HistoricalDelivery", "deals_hdelivery_feed_idx"),
    ("sources", "HistoricalSource", "sources_hsource_feed_idx"),
    ("sources", "HistoricalCitation", "sources_hcitation_feed_idx"),
]


def feed_index(name):
    return models.Index(fields=["history_date", "history_id"], name=name)


def add(apps, schema_editor):
    for app, model, name in TABLES:
        schema_editor.add_index(apps.get_model(app, model), feed_index(name))


def remove(apps, schema_editor):
    for app, model, name in TABLES:
        schema_editor.remove_index(apps.get_model(app, model), feed_index(name))


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0001_initial"),
        ("systems", "0001_initial"),
        ("deals", "0004_text_search_indexes"),
        ("sources", "0003_quote_search_index"),
    ]

    operations = [migrations.RunPython(add, remove)]
