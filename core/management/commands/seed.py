"""Load the seed fixtures in one transaction, validating every record as the admin would."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save

from deals.models import Deal
from deals.services import deal_refresh_delivery_span


class Command(BaseCommand):
    help = "Load (or reload) the seed fixtures: reference data and the seed article. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help="Fixture names; default: settings.SEED_FIXTURES.")

    def handle(self, *args, fixtures, **options):
        fixtures = fixtures or settings.SEED_FIXTURES
        loaded = []

        def collect(sender, instance, raw, **kwargs):
            if raw:
                loaded.append(instance)

        post_save.connect(collect, weak=False, dispatch_uid="seed-collect")
        try:
            with transaction.atomic():
                call_command("loaddata", *fixtures, verbosity=0)
                for instance in loaded:
                    try:
                        instance.full_clean()
                    except ValidationError as error:
                        raise CommandError(f"{instance._meta.label} “{instance}”: {error.message_dict}") from error
                for instance in loaded:
                    if isinstance(instance, Deal):
                        deal_refresh_delivery_span(deal=instance)
        finally:
            post_save.disconnect(dispatch_uid="seed-collect")
        self.stdout.write(f"Seeded {len(loaded)} records from {', '.join(fixtures)}.")
