"""A summary the statistics read instead of joining a million deals to their deliveries on every request."""

from django.db import models

# What the indexes carry besides their keys.
COLUMNS = ["year", "deal", "tiv", "quantity", "supplier", "recipient", "system", "category", "unsplit", "previous_year"]


class FactQuerySet(models.QuerySet):
    """Delivery facts that may carry `first_of_deal`: the condition marking each deal's first delivery among them,
    kept through filtering so that a table over them counts distinct deals row by row (stats.selectors.sums)."""

    first_of_deal: models.Q | None = None

    def _clone(self):
        clone = super()._clone()
        clone.first_of_deal = self.first_of_deal
        return clone


class DeliveryFact(models.Model):
    """One delivery row with the deal's grouping columns beside it, kept by database triggers (migration 0002) on
    every insert, update and delete of a delivery, every change of a deal's parties, system or review status and
    every change of a system's category, whoever makes it: the API, the admin, an import, a fixture or psql.

    Why: the plain GROUP BY over deals joined to deliveries read every reviewed deal to find the parties of 138,000
    deliveries, 300-480 ms for five years' top importers at one million deals on PostgreSQL; over this table it
    reads those rows alone, by an index on the year (docs/performance.md, "Statistics")."""

    delivery = models.OneToOneField(
        "deals.Delivery", primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    deal = models.ForeignKey("deals.Deal", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    year = models.PositiveSmallIntegerField()
    tiv = models.DecimalField(max_digits=14, decimal_places=3, null=True)
    quantity = models.PositiveIntegerField(null=True)
    supplier = models.ForeignKey("actors.Actor", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    recipient = models.ForeignKey("actors.Actor", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    system = models.ForeignKey("systems.System", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    category = models.ForeignKey("systems.Category", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # The deal's review status is `reviewed`: what anonymous callers may count (deals.models.DealQuerySet).
    reviewed = models.BooleanField()
    # This year's TIV is unknown though the deal's delivered TIV is known: the deal's TIV is not split by year, and
    # the statistics report its remainder as unallocated.
    unsplit = models.BooleanField()
    # The deal's delivery year before this one (null: this is its first). Within any range of years, a deal's first
    # delivery is the row whose previous year lies before the range, so distinct deals are counted row by row
    # (FactQuerySet.first_of_deal): COUNT(DISTINCT deal) sorted every group, two thirds of a table's time.
    previous_year = models.PositiveSmallIntegerField(null=True)

    objects = FactQuerySet.as_manager()

    class Meta:
        # Public statistics count reviewed deals only: partial indexes of those, holding every column a table sums or
        # groups by (on PostgreSQL; SQLite ignores INCLUDE), so a year range is read from the index alone.
        indexes = [
            models.Index(
                fields=[*key],
                include=[name for name in COLUMNS if name not in key],
                condition=models.Q(reviewed=True),
                name=f"fact_reviewed_{key[0]}_idx",
            )
            for key in (("year",), ("recipient", "year"), ("supplier", "year"))
        ] + [
            models.Index(fields=["year"], name="fact_year_idx"),
            models.Index(fields=["deal"], name="fact_deal_idx"),
            models.Index(fields=["system"], name="fact_system_idx"),
        ]

    def __str__(self):
        return f"delivery {self.delivery_id} ({self.year})"
