"""Curators' admin for deals, with their deliveries and citations inline."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from sources.admin import CitationInline
from sources.choices import Stance

from . import selectors, services
from .choices import ReviewStatus
from .models import DELIVERY_VALUES, Deal, DealMatch, DealMerge, Delivery


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


MATCHES_SHOWN = 50


def deal_link(deal: Deal) -> str:
    return format_html('<a href="{}">{}</a>', reverse("admin:deals_deal_change", args=[deal.pk]), str(deal))


@admin.register(DealMatch)
class DealMatchAdmin(admin.ModelAdmin):
    """Matches are derived (deals/matching.py): curators read them and merge, never edit them."""

    list_display = ["id", "deal_display", "relation", "other_display", "reason"]
    list_filter = ["relation"]
    list_select_related = ["deal__supplier", "deal__recipient", "deal__system", "other__supplier"]
    list_select_related += ["other__recipient", "other__system"]
    search_fields = ["reason", "deal__recipient__name", "deal__system__designation", "other__system__designation"]
    actions = ["merge_into_other", "merge_into_other_contradicting"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_merge_permission(self, request):
        return request.user.has_perms(["deals.change_deal", "deals.delete_deal"])

    @admin.display(description="deal (merged away)")
    def deal_display(self, match):
        return deal_link(match.deal)

    @admin.display(description="other deal (kept)")
    def other_display(self, match):
        return deal_link(match.other)

    def _merge(self, request, queryset, stance):
        merged = 0
        for deal_id, other_id in queryset.order_by("id").values_list("deal_id", "other_id"):
            deal, into = Deal.objects.filter(pk=deal_id).first(), Deal.objects.filter(pk=other_id).first()
            if deal is None or into is None:
                self.message_user(request, f"Deal {deal_id} or {other_id} is gone (merged already?).", messages.WARNING)
                continue
            try:
                services.deal_merge(deal=deal, into=into, stance=stance, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"Deal {deal_id}: {' '.join(error.messages)}", messages.ERROR)
                continue
            merged += 1
            self.message_user(request, f"Merged deal {deal_id} into deal {other_id}.", messages.SUCCESS)
        if not merged:
            self.message_user(request, "No deal was merged.", messages.WARNING)

    @admin.action(description="Merge each selected deal into its matched deal", permissions=["merge"])
    def merge_into_other(self, request, queryset):
        self._merge(request, queryset, None)

    @admin.action(
        description="Merge each selected deal into its matched deal, its citations contradicting it",
        permissions=["merge"],
    )
    def merge_into_other_contradicting(self, request, queryset):
        self._merge(request, queryset, "contradicts")


@admin.register(DealMerge)
class DealMergeAdmin(admin.ModelAdmin):
    list_display = ["merged_id", "into", "user", "created"]
    list_select_related = ["into__supplier", "into__recipient", "into__system", "user"]
    search_fields = ["=merged_id", "=into__id"]
    readonly_fields = ["merged_id", "merged_uid", "into", "user", "created", "snapshot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
    readonly_fields = ["uid", "created", "updated", "first_delivery_year", "last_delivery_year", "matches_panel"]
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
        ("Matches", {"fields": ["matches_panel"]}),
    ]

    @admin.display(description="deals from other sources that seem to record the same transfer")
    def matches_panel(self, obj):
        """A read-only table rather than an inline, so the deal's form posts no formset for derived rows."""
        if obj is None or obj.pk is None:
            return "–"
        matches = list(selectors.deal_matches(obj, user=getattr(obj, "admin_viewer", None))[:MATCHES_SHOWN])
        if not matches:
            return "None found."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((deal_link(m.other), m.get_relation_display(), m.reason) for m in matches),
        )
        merge = reverse("admin:deals_dealmatch_changelist") + f"?deal__id__exact={obj.pk}"
        return format_html(
            '<table><tr><th>deal</th><th>relation</th><th>why</th></tr>{}</table><p><a href="{}">Merge this deal '
            "into one of them…</a> (an action of the match list)</p>",
            rows,
            merge,
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_viewer = request.user  # matches_panel shows only the matches this curator may see
        return obj

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
