"""A token as its holder sees it: never the secret, which exists only in the answer that made it."""

from rest_framework import serializers

from ..models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    token_key = serializers.CharField(
        read_only=True, help_text="The token's first characters: enough to tell it apart, not to use it."
    )

    class Meta:
        model = ApiToken
        fields = ["token_key", "name", "created", "expiry"]
        read_only_fields = fields
        extra_kwargs = {
            "created": {"help_text": "When the token was made."},
            "expiry": {"help_text": "When the token stops working; null if never."},
        }
