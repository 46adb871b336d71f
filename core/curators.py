"""The `curators` group: add, change, delete and view on every domain model."""

DOMAIN_APPS = ["actors", "systems", "deals", "sources"]
GROUP = "curators"


def ensure_curators_group(group_model, permission_model):
    """Create the group with its permissions; takes the models so a migration can pass its historical ones."""
    group, _ = group_model.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=DOMAIN_APPS).exclude(
            codename__regex=r"^(add|change|delete)_historical"
        )
    )
    return group


def granting_curators(app_label: str):
    """A migration's RunPython function: give the curators group the permissions of `app_label`'s models as they
    stand at that migration (Django makes permissions only after all migrations, so they are made here first)."""

    def grant(apps, schema_editor):
        from django.contrib.auth.management import create_permissions

        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
        ensure_curators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))

    return grant
