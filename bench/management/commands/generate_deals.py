"""`manage.py generate_deals`: fill a database with deterministic synthetic deals for benchmarks and demos."""

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bench import synthetic


class Command(BaseCommand):
    help = (
        "Add COUNT synthetic deals, with generated companies, systems, sources, deliveries and citations, to a "
        "database holding the seed (run first if missing). The same count and seed give the same records on a "
        "fresh database, and running it again with them changes nothing. Meant for benchmarks: use a database "
        "of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Number of deals to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, count, seed, verbosity, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        call_command("seed", verbosity=0)
        log = self.stdout.write if verbosity > 0 else (lambda message: None)
        try:
            if synthetic.generated_already(count=count, seed=seed):
                log(f"{count:,} deals with seed {seed} are already here; nothing to do.")
                return
            written = synthetic.generate(count=count, seed=seed, log=log)
        except ValueError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(f"Nothing was generated: {' '.join(error.messages)}") from error
        if verbosity > 0:
            self.stdout.write(
                f"Generated {written['deals']:,} deals, {written['citations']:,} citations, "
                f"{written['deliveries']:,} deliveries, {written['systems']:,} systems, "
                f"{written['companies']:,} companies and {written['sources']:,} sources in {written['seconds']} s."
            )
