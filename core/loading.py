"""What `seed` and `restore`, which load rows past the services, ask of each app that holds registry records."""

from django.apps import AppConfig, apps


class RecordsConfig(AppConfig):
    """An app holding registry records. `seed` and `restore` write its rows past the services (fixtures and
    backups are loaded as they are), then call `records_loaded` so the app can apply the rules its services would
    have: `instances` are the records just seeded, or None after a restore, for every record there is. Raise
    ValidationError to refuse the whole load."""

    def records_loaded(self, instances=None) -> None:
        pass


def record_apps() -> list[RecordsConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, RecordsConfig)]
