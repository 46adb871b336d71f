"""Load a `backup` file into an empty database, then check the records as the services would have."""

from pathlib import Path

from django.core.management.base import BaseCommand

from core import backups


class Command(BaseCommand):
    help = (
        "Restore a file written by `manage.py backup` on the same kind of database into one that holds no records "
        "and no accounts, then migrate it. Needs pg_restore of the server's major version on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        backups.restore(Path(file))
        self.stdout.write(f"Restored {file}.")
