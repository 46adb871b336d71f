"""Intake's request body and its proposals as the API shows them."""

import re

from rest_framework import serializers
from rest_framework.reverse import reverse

from actors.api.brief import ActorBriefSerializer
from deals.models import Deal
from sources.models import Source
from systems.api.brief import SystemBriefSerializer

from ..models import Proposal
from ..services import MAX_TEXT

# Control characters other than tab, newline and carriage return: a sign of binary data, not prose.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


class IntakeRequestSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, help_text="The article's headline.")
    text = serializers.CharField(
        max_length=MAX_TEXT,
        trim_whitespace=False,
        help_text=f"The article's full text, as published (at most {MAX_TEXT:,} characters). Quotes are cut from it "
        "exactly, with their character offsets.",
    )
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    published_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text='Relative dates ("last year") resolve against it.'
    )
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", max_length=16, required=False, allow_blank=True, default=""
    )

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError("The text is empty.")
        if CONTROL.search(value):
            raise serializers.ValidationError("The text holds control characters: send the article as plain text.")
        return value

    def validate_title(self, value):
        if CONTROL.search(value):
            raise serializers.ValidationError("The title holds control characters.")
        return value


class DealLinkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="deal-detail")

    class Meta:
        model = Deal
        fields = ["id", "url", "review_status"]


class QuoteSerializer(serializers.Serializer):
    quote = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    hedge = serializers.CharField()
    hedge_text = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    deal = serializers.IntegerField(source="other_id")
    relation = serializers.CharField()
    reason = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    source = serializers.IntegerField(source="intake.source_id", read_only=True)
    deal = DealLinkSerializer(read_only=True)
    supplier = serializers.SerializerMethodField()
    recipient = serializers.SerializerMethodField()
    system = SystemBriefSerializer(source="deal.system", read_only=True, default=None)
    new_system = serializers.SerializerMethodField()
    kind = serializers.CharField(source="deal.kind", read_only=True, default=None)
    status = serializers.CharField(source="deal.status", read_only=True, default=None)
    year = serializers.IntegerField(source="deal.year", read_only=True, default=None)
    quantity = serializers.IntegerField(source="deal.quantity_ordered", read_only=True, default=None)
    quantity_text = serializers.CharField(source="deal.quantity_text", read_only=True, default=None)
    citation = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "source", "position", "decision", "confidence", "summary", "deal",
            "supplier", "supplier_text", "recipient", "recipient_text", "system", "system_text", "new_system",
            "candidates", "kind", "status", "year", "year_text", "quantity", "quantity_text", "cue", "citation",
            "matches", "decided_at", "merged_into",
        ]  # fmt: skip

    def _party(self, proposal, side):
        """The resolved actor, or null where the article's mention matched no record (the draft then names the
        registry's `unknown` actor and the mention stays in `<side>_text`)."""
        if proposal.deal is None:
            return None
        actor = getattr(proposal.deal, side)
        if actor.kind == "unknown":
            return None
        return ActorBriefSerializer(actor, context=self.context).data

    def get_supplier(self, proposal) -> dict | None:
        return self._party(proposal, "supplier")

    def get_recipient(self, proposal) -> dict | None:
        return self._party(proposal, "recipient")

    def get_new_system(self, proposal) -> bool:
        return proposal.new_system_id is not None

    def get_citation(self, proposal) -> dict:
        citation = next(iter(proposal.deal.citations.all()), None) if proposal.deal is not None else None
        return {
            "quote": proposal.intake.source.text[proposal.start : proposal.end],
            "start": proposal.start,
            "end": proposal.end,
            "hedge": citation.hedge if citation else None,
            "hedge_text": citation.hedge_text if citation else None,
        }

    def get_matches(self, proposal) -> list[dict]:
        if proposal.deal is None:
            return []
        request = self.context.get("request")
        return [
            {
                "deal": match.other_id,
                "url": reverse("deal-detail", args=[match.other_id], request=request),
                "relation": match.relation,
                "reason": match.reason,
            }
            for match in proposal.deal.matches.all()
        ]


class IntakeResponseSerializer(serializers.Serializer):
    source = serializers.IntegerField(help_text="The article's id among the sources.")
    source_url = serializers.URLField()
    created = serializers.BooleanField(help_text="False when the same article had been read before.")
    proposals = ProposalSerializer(many=True)


class SourceIdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id"]
