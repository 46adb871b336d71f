"""A citation's own admin page: it keeps a reviewed deal's last supporting citation, as the API does."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from deals.services import EVIDENCE_NEEDED
from sources.choices import Stance
from sources.models import Citation

from . import services


class CitationForm(forms.ModelForm):
    """A citation's own page: it may not stop supporting a reviewed deal that has no other support."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        stored = Citation.objects.filter(pk=self.instance.pk)
        deal = services.deals_losing_support(citations=stored).first()
        if deal is not None and (cleaned.get("stance") != Stance.SUPPORTS or cleaned.get("deal") != deal):
            field = "stance" if cleaned.get("deal") == deal else "deal"
            raise ValidationError({field: services.last_support_message(deal)})
        return cleaned


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    form = CitationForm
    list_display = ["short_quote", "source", "target_display", "stance", "hedge"]
    list_filter = ["stance", "hedge", "source__kind"]
    list_select_related = [
        "source",
        "deal__supplier",
        "deal__recipient",
        "deal__system",
        "actor",
        "system",
    ]
    search_fields = ["quote", "hedge_text", "note", "source__title", "locator"]
    autocomplete_fields = ["source", "deal", "actor", "system"]
    readonly_fields = ["uid", "created", "updated"]
    fields = [
        "source",
        "quote",
        "locator",
        ("stance", "hedge", "hedge_text"),
        "note",
        ("deal", "actor", "system"),
        ("uid", "created", "updated"),
    ]

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote if len(obj.quote) <= 100 else obj.quote[:97] + "..."

    @admin.display(description="supports record")
    def target_display(self, obj):
        return str(obj.target)

    def save_model(self, request, obj, form, change):
        # The service locks the deal and checks again, in the form's transaction, what the form's clean checked.
        if change:
            services.citation_update(citation=obj)
        else:
            super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        """Lists a reviewed deal the deletion would leave without support as protected, which stops it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        chosen = Citation.objects.filter(pk__in=[obj.pk for obj in objs])
        for deal in services.deals_losing_support(citations=chosen).select_related("supplier", "recipient", "system"):
            protected.append(f"{deal} (deal {deal.pk}): {EVIDENCE_NEEDED}")
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        services.citation_delete(citation=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for citation in queryset:
                services.citation_delete(citation=citation)
