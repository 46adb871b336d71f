"""Write the whole database (records, history, accounts; never a usable API token or session) to one file."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from core import backups


class Command(BaseCommand):
    help = (
        "Back up the whole database in its own format, in constant memory: a pg_dump archive on PostgreSQL (needs "
        "pg_dump of the server's major version), a SQLite database file on SQLite. It holds accounts and password "
        "hashes, so keep it private; plain-text API tokens and sessions are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Output path; default backups/dealgraph-<UTC time>.dump (.sqlite3 on SQLite)"
        )

    def handle(self, *args, file=None, **options):
        path = Path(file) if file else backups.default_path(datetime.now(UTC))
        backups.backup(path)
        self.stdout.write(str(path))
