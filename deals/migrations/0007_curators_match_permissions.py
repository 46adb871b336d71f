"""Curators see matches and merges: the curators group was given the permissions of the models that existed then."""
from django.db import migrations

from core.curators import granting_curators


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0006_deal_matches_and_merges"),
        ("core", "0001_curators_group"),
    ]

    operations = [migrations.RunPython(granting_curators("deals"), migrations.RunPython.noop)]
