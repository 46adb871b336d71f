"""Curators may edit memberships: the curators group was given the permissions of the models that existed then."""
from django.db import migrations

from core.curators import granting_curators


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0002_membership"),
        ("core", "0001_curators_group"),
    ]

    operations = [migrations.RunPython(granting_curators("actors"), migrations.RunPython.noop)]
