"""`manage.py match_deals [ID ...]`: recompute stored matches (deals/matching.py) for some deals or for all."""

from django.core.management.base import BaseCommand

from deals.choices import MatchRelation
from deals.matching import match_refresh_counts
from deals.models import Deal


class Command(BaseCommand):
    help = (
        "Recompute which deals from different sources seem to record the same transfer, for the deals given by id "
        "or for every deal. Imports do this for the deals they write; this catches deals entered by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Deal ids; none means every deal.")

    def handle(self, *args, ids, verbosity, **options):
        found = match_refresh_counts(ids if ids else Deal.objects.all())
        if verbosity:
            self.stdout.write(
                f"Matches: {found[MatchRelation.SAME_TRANSFER]} possible same transfer(s), "
                f"{found[MatchRelation.CONTRADICTS]} contradiction(s)."
            )
