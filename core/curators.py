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
