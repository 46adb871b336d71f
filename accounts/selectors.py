"""Reads of API tokens."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ApiToken


def live_tokens_of(user) -> QuerySet[ApiToken]:
    """The user's tokens that have not expired, newest first."""
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user)
