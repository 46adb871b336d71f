"""Load the seed fixtures in one transaction, validating every record as the admin would."""

from collections import defaultdict

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.loaddata import Command as LoadData
from django.db import transaction

from core.loading import record_apps


def record_creation_history(instances):
    """Give each newly seeded record the creation entry a curator's record would have."""
    by_model = defaultdict(list)
    for instance in instances:
        by_model[type(instance)].append(instance)
    for model, objs in by_model.items():
        model.history.bulk_history_create(objs, default_change_reason="Loaded from the seed fixtures")


class Command(BaseCommand):
    help = (
        "Add the seed records (reference data and the seed article) that the database lacks. "
        "Records already present, found by natural key, are left as curators may have edited them, "
        "so running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help="Fixture names; default: settings.SEED_FIXTURES.")

    def handle(self, *args, fixtures, **options):
        fixtures = fixtures or settings.SEED_FIXTURES
        finder = LoadData()
        finder.using, finder.verbosity, finder.app_label = "default", 0, None
        finder.serialization_formats = serializers.get_public_serializer_formats()
        created, present = [], 0
        with transaction.atomic():
            deferred = []
            for name in fixtures:
                for path, *_ in finder.find_fixtures(name):
                    with open(path, encoding="utf-8") as stream:
                        for obj in serializers.deserialize("json", stream, handle_forward_references=True):
                            if obj.object.pk is not None:  # natural key matched an existing record
                                present += 1
                                continue
                            obj.save()
                            created.append(obj.object)
                            if obj.deferred_fields:
                                deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields()
            for instance in created:
                try:
                    instance.full_clean()
                except ValidationError as error:
                    raise CommandError(f"{instance._meta.label} “{instance}”: {error.message_dict}") from error
            try:
                for config in record_apps():
                    config.records_loaded([i for i in created if i._meta.app_label == config.label])
            except ValidationError as error:
                raise CommandError(f"Nothing was seeded: {' '.join(error.messages)}") from error
            record_creation_history(created)
        self.stdout.write(f"Seed: {len(created)} records added, {present} already present ({', '.join(fixtures)}).")
