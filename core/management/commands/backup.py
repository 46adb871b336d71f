"""Write every record, its history, and the accounts that made it, to one file that `restore` reads back."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Domain apps carry their history tables with them; accounts are kept so history still names its authors.
BACKUP_APPS = ["auth.group", "auth.user", "accounts.apitoken", "actors", "systems", "deals", "sources"]


class Command(BaseCommand):
    help = (
        "Dump all records and their full history (plus users, groups and API tokens: keep the file private) "
        "as JSON; a .gz, .bz2 or .xz name compresses it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Output path; default backups/dealgraph-<UTC time>.json.gz")

    def handle(self, *args, file=None, **options):
        path = Path(file or f"backups/dealgraph-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        call_command("dumpdata", *BACKUP_APPS, natural_foreign=True, output=str(path), verbosity=0)
        self.stdout.write(str(path))
