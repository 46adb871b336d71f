from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = "Intake"

    def ready(self):
        from deals.signals import deal_merged

        from .services import proposal_merged

        def record(sender, deal, into, user, **kwargs):
            proposal_merged(deal=deal, into=into, user=user)

        deal_merged.connect(record, weak=False, dispatch_uid="intake-proposal-merged")
