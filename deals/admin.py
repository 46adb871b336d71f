"""Curators' admin for deals, with their deliveries and citations inline."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import CitationInline
from sources.choices import Stance

from . import services
from .choices import ReviewStatus
from .models import DELIVERY_VALUES, Deal, Delivery


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    fields = ["year", *DELIVERY_VALUES]


class DealCitationFormSet(BaseInlineFormSet):
    """The deal's citations as the form will leave them: a reviewed deal must keep one that supports it."""

    def clean(self):
        super().clean()
        if self.instance.review_status != ReviewStatus.REVIEWED:
            return
        for form in self.forms:
            if form.instance.pk is None and not form.has_changed():
                continue  # an empty extra form
            if self.can_delete and self._should_delete_form(form):
                continue
            # The instance carries the form's cleaned values, or the stored ones where the curator may only view.
            if form.instance.stance == Stance.SUPPORTS:
                return
        raise ValidationError(services.EVIDENCE_NEEDED)


class DealCitationInline(CitationInline):
    formset = DealCitationFormSet


@admin.register(Deal)
class DealAdmin(SimpleHistoryAdmin):
    list_display = [
        "id",
        "supplier",
        "recipient",
        "system",
        "kind",
        "status",
        "year_display",
        "quantity_display",
        "review_status",
    ]
    list_display_links = ["id", "system"]
    list_filter = ["review_status", "status", "kind", "system__category", "year", "condition"]
    list_select_related = ["supplier", "recipient", "system", "system__category"]
    search_fields = [
        "supplier__name",
        "supplier__aliases__name",
        "supplier__iso3",
        "recipient__name",
        "recipient__aliases__name",
        "recipient__iso3",
        "system__designation",
        "system__name",
        "system__aliases__name",
        "notes",
        "quantity_text",
        "citations__quote",
    ]
    autocomplete_fields = ["supplier", "recipient", "system"]
    inlines = [DeliveryInline, DealCitationInline]
    actions = ["mark_reviewed", "mark_draft"]
    readonly_fields = ["uid", "created", "updated", "first_delivery_year", "last_delivery_year"]
    fieldsets = [
        (None, {"fields": [("supplier", "recipient"), "system", ("kind", "status"), "review_status"]}),
        ("When", {"fields": [("year", "year_is_estimate"), ("date", "date_precision")]}),
        (
            "How many",
            {
                "fields": [
                    "quantity_text",
                    ("quantity_ordered", "quantity_ordered_is_estimate"),
                    ("quantity_delivered", "quantity_delivered_is_estimate"),
                    "condition",
                ]
            },
        ),
        ("Value and notes", {"fields": [("value", "currency"), "notes"]}),
        (
            "SIPRI",
            {
                "fields": ["sipri_id", ("tiv_per_unit", "tiv_total", "tiv_delivered"), "locked_fields"],
                "classes": ["collapse"],
            },
        ),
        (
            "Record",
            {
                "fields": [("uid", "created", "updated"), ("first_delivery_year", "last_delivery_year")],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="year", ordering="year")
    def year_display(self, obj):
        if obj.year is None:
            return "–"
        return f"{obj.year}?" if obj.year_is_estimate else obj.year

    @admin.display(description="quantity")
    def quantity_display(self, obj):
        if obj.quantity_ordered is not None:
            return f"{obj.quantity_ordered}?" if obj.quantity_ordered_is_estimate else obj.quantity_ordered
        return obj.quantity_text or "–"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.deal_refresh_delivery_span(deal=form.instance)
        # The inline's clean has shown the curator the problem already; this catches what it cannot see (a
        # citation deleted elsewhere meanwhile, or a curator who cannot see citations), inside the form's
        # transaction, which the refusal rolls back.
        services.deal_require_support(form.instance)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:  # from save_related, after the whole save was rolled back
            self.message_user(request, " ".join(error.messages) + " Nothing was saved.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description="Mark selected deals reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        try:
            changed = services.deals_set_review_status(deals=queryset, review_status=ReviewStatus.REVIEWED)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages) + " No deal was changed.", messages.ERROR)
            return
        self.message_user(request, f"{changed} deal(s) marked reviewed.", messages.SUCCESS)

    @admin.action(description="Return selected deals to draft", permissions=["change"])
    def mark_draft(self, request, queryset):
        changed = services.deals_set_review_status(deals=queryset, review_status=ReviewStatus.DRAFT)
        self.message_user(request, f"{changed} deal(s) returned to draft.", messages.SUCCESS)
