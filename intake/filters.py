"""Filters of the review queue."""

import django_filters

from .models import Decision, Proposal


class ProposalFilterSet(django_filters.FilterSet):
    decision = django_filters.ChoiceFilter(
        choices=Decision.choices, help_text="Only proposals with this decision, e.g. `open` for the review queue."
    )
    source = django_filters.NumberFilter(field_name="intake__source", help_text="Only proposals from this source (id).")

    class Meta:
        model = Proposal
        fields = ["decision", "source"]
