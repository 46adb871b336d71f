"""Curators see matches and merges: the curators group was given the permissions of the models that existed then."""
from django.db import migrations

from core.curators import ensure_curators_group


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the group needs them now.
    config = apps.get_app_config("deals")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    ensure_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0006_deal_matches_and_merges"),
        ("core", "0001_curators_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
