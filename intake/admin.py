"""The review queue: intake's proposals, each quote shown in its paragraph, with accept and reject as actions."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Decision, Intake, Proposal


def paragraph_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The paragraph holding text[start:end], split into what comes before the quote, the quote, and after."""
    first = text.rfind("\n\n", 0, start)
    first = 0 if first < 0 else first + 2
    last = text.find("\n\n", end)
    last = len(text) if last < 0 else last
    return text[first:start], text[start:end], text[end:last]


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ["id", "summary", "decision", "confidence", "source_title", "created"]
    list_filter = ["decision"]
    list_select_related = ["intake__source"]
    search_fields = ["summary", "supplier_text", "recipient_text", "system_text"]
    ordering = ["-intake__created", "intake", "position"]
    actions = ["accept", "reject"]
    readonly_fields = [
        "quote_in_paragraph",
        "intake",
        "position",
        "deal_link",
        "supplier_text",
        "recipient_text",
        "system_text",
        "candidates",
        "new_system",
        "year_text",
        "confidence",
        "cue",
        "decision",
        "decided_by",
        "decided_at",
        "merged_into",
        "matches",
        "summary",
    ]
    exclude = ["deal", "start", "end"]

    def has_add_permission(self, request):
        return False  # proposals come from reading an article, never by hand

    @admin.display(description="source", ordering="intake__source__title")
    def source_title(self, proposal):
        return proposal.intake.source.title

    @admin.display(description="quote in its paragraph")
    def quote_in_paragraph(self, proposal):
        # Every part is escaped: the article is untrusted text, shown as text.
        before, quote, after = paragraph_around(proposal.intake.source.text, proposal.start, proposal.end)
        return format_html(
            '<div style="white-space: pre-wrap; max-width: 60em">{}<mark>{}</mark>{}</div>', before, quote, after
        )

    @admin.display(description="draft deal (edit it here)")
    def deal_link(self, proposal):
        if proposal.deal_id is None:
            return "—"
        url = reverse("admin:deals_deal_change", args=[proposal.deal_id])
        return format_html('<a href="{}">{}</a>', url, proposal.deal)

    @admin.display(description="matches")
    def matches(self, proposal):
        if proposal.deal_id is None:
            return "—"
        rows = proposal.deal.matches.select_related("other__supplier", "other__recipient", "other__system")
        return (
            format_html_join(
                "",
                '<p>{}: <a href="{}">{}</a>, {}</p>',
                (
                    (m.get_relation_display(), reverse("admin:deals_deal_change", args=[m.other_id]), m.other, m.reason)
                    for m in rows
                ),
            )
            or "none"
        )

    def _decide(self, request, queryset, decide, done: str):
        count = 0
        for proposal in queryset.filter(decision=Decision.OPEN).exclude(deal=None).select_related("deal"):
            try:
                decide(deal=proposal.deal, user=request.user)
                count += 1
            except ValidationError as error:
                self.message_user(request, f"{proposal}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, f"{count} proposal(s) {done}.", messages.SUCCESS)

    @admin.action(description="Accept the selected proposals (their drafts become reviewed)")
    def accept(self, request, queryset):
        self._decide(request, queryset, services.deal_accept, "accepted")

    @admin.action(description="Reject the selected proposals (their drafts are deleted, the decision kept)")
    def reject(self, request, queryset):
        self._decide(request, queryset, services.deal_reject, "rejected")


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "submitted_by", "created", "open_count"]
    list_select_related = ["source", "submitted_by"]
    readonly_fields = ["source", "text_digest", "submitted_by", "proposal_links"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(open=Count("proposals", filter=Q(proposals__decision=Decision.OPEN)))
        )

    @admin.display(description="open proposals", ordering="open")
    def open_count(self, intake):
        return intake.open

    @admin.display(description="proposals")
    def proposal_links(self, intake):
        return format_html_join(
            "",
            '<p><a href="{}">{}</a> ({})</p>',
            (
                (reverse("admin:intake_proposal_change", args=[p.pk]), p, p.get_decision_display())
                for p in intake.proposals.all()
            ),
        )
