"""Load a `backup` file into an empty, migrated database, in one transaction."""
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actors.models import Actor
from deals.models import Deal
from deals.services import deals_require_support
from sources.models import Source


class Command(BaseCommand):
    help = "Restore a file written by `manage.py backup` into an empty database (run `migrate` first)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        present = sum(model.objects.count() for model in (Actor, Deal, Source))
        if present:
            raise CommandError(
                f"This database already holds {present} actors, deals or sources; restore only into an empty one, "
                "so nothing is merged or overwritten."
            )
        with transaction.atomic():
            call_command("loaddata", file, verbosity=0)
            # loaddata writes rows as they are, past every service: the rule is checked once over all of them.
            try:
                deals_require_support(deals=Deal.objects.all())
            except ValidationError as error:
                raise CommandError(
                    f"Nothing was restored: {' '.join(error.messages)} Fix the file (add the citations, or set "
                    "those deals' review_status to draft) and restore again."
                ) from error
        self.stdout.write(f"Restored {file}.")
