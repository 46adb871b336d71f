"""The feed's (history_date, history_id) index on the memberships' history table, which the feed reads for both
actors a membership shows on; 0001 says why each table the feed reads has one."""

from django.db import migrations, models

NAME = "actors_hmembership_feed_idx"


def feed_index():
    return models.Index(fields=["history_date", "history_id"], name=NAME)


def add(apps, schema_editor):
    schema_editor.add_index(apps.get_model("actors", "HistoricalMembership"), feed_index())


def remove(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("actors", "HistoricalMembership"), feed_index())


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_membership"),
        ("changes", "0001_feed_order_indexes"),
    ]

    operations = [migrations.RunPython(add, remove)]
