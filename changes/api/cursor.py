"""The feed's cursor: a position in the feed, signed, so that anything the API did not issue is refused."""

import datetime

from django.core import signing
from rest_framework.exceptions import ValidationError

from changes.selectors import BRANCHES, START, Position

PARAM = "since"
MAX_LENGTH = 200
# A cursor stays valid across SECRET_KEY rotations listed in SECRET_KEY_FALLBACKS, as Django's signing does.
_signer = signing.Signer(salt="dealgraph.changes.cursor")
_EPOCH = START.time


def encode(position: Position) -> str:
    micros = (position.time - _EPOCH) // datetime.timedelta(microseconds=1)
    return _signer.sign_object([micros, position.branch, position.history_id])


def decode(raw: str | None) -> Position:
    """The position a `since` value names; absent or empty, the start of the history. Anything else is a 400."""
    if not raw:
        return START
    try:
        if len(raw) > MAX_LENGTH:
            raise ValueError
        micros, branch, history_id = _signer.unsign_object(raw)
        if not all(type(part) is int and part >= 0 for part in (micros, branch, history_id)):
            raise ValueError
        if branch >= len(BRANCHES):
            raise ValueError
        return Position(_EPOCH + datetime.timedelta(microseconds=micros), branch, history_id)
    except (signing.BadSignature, ValueError, TypeError, OverflowError) as error:
        raise ValidationError(
            {
                PARAM: [
                    "Not a cursor this API issued: leave `since` out to start from the beginning, then pass the "
                    "`cursor` of the last response."
                ]
            }
        ) from error
