"""Load a `backup` file into an empty, migrated database, in one transaction."""

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.loading import record_apps


class Command(BaseCommand):
    help = "Restore a file written by `manage.py backup` into an empty database (run `migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        present = sum(
            model.objects.count()
            for config in record_apps()
            for model in config.get_models()
            if not model.__name__.startswith("Historical")
        )
        if present:
            raise CommandError(
                f"This database already holds {present} records; restore only into an empty one, "
                "so nothing is merged or overwritten."
            )
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
            # loaddata writes rows as they are, past every service: the rule is checked once over all of them.
            try:
                for config in record_apps():
                    config.records_loaded()
            except ValidationError as error:
                raise CommandError(
                    f"Nothing was restored: {' '.join(error.messages)} Fix the file (add the citations, or set "
                    "those deals' review_status to draft) and restore again."
                ) from error
        self.stdout.write(f"Restored {file}.")
