from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_triggers(sender, using, **kwargs):
    # SQLite drops a table's triggers when a migration rebuilds the table; put them back, and the facts right.
    from django.db import connections

    from .triggers import install

    install(connections[using])


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Statistics"

    def ready(self):
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="stats-triggers")
