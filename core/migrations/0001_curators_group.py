"""The `curators` group: add, change, delete and view on every domain model."""
from django.db import migrations

from core.curators import DOMAIN_APPS, GROUP, ensure_curators_group


def create_curators(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations; the group needs them now.
    for label in DOMAIN_APPS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    ensure_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("systems", "0001_initial"),
        ("deals", "0002_sipri_import_fields"),
        ("sources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
