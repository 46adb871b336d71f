"""Writes of API tokens: made with a name, shown once, revoked by their key."""

from django.core.exceptions import ValidationError
from django.db import transaction
from knox.settings import knox_settings

from .models import ApiToken
from .selectors import live_tokens_of


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, lasting TOKEN_TTL_DAYS; returns the record and the secret, which is not kept."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    # Lock the user's row so two concurrent creates cannot both pass the limit.
    type(user).objects.select_for_update().filter(pk=user.pk).first()
    if limit is not None and live_tokens_of(user).count() >= limit:
        raise ValidationError(
            {"name": f"{user.get_username()} already holds {limit} tokens, the most one user may; revoke one first."}
        )
    token = ApiToken(user=user, name=name.strip())
    token.full_clean(exclude=["digest", "token_key", "user"])
    return ApiToken.objects.create(user=user, name=token.name)


def token_revoke(*, user, token_key: str) -> bool:
    """Delete the user's token with this key; False when they hold none."""
    deleted, _ = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0
