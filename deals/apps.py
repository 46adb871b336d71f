from core import loading


class DealsConfig(loading.RecordsConfig):
    name = "deals"
    verbose_name = "Deals"

    def records_loaded(self, instances=None) -> None:
        """Seeded deals get the delivery span their deliveries imply; every reviewed deal loaded needs support."""
        # Models and services load after the app registry, so they are imported when a load calls this.
        from .models import Deal
        from .services import deal_refresh_delivery_span, deals_require_support

        if instances is None:
            deals_require_support(deals=Deal.objects.all())
            return
        deals = [instance for instance in instances if isinstance(instance, Deal)]
        for deal in deals:
            deal_refresh_delivery_span(deal=deal)
        deals_require_support(deals=Deal.objects.filter(pk__in=[deal.pk for deal in deals]))
