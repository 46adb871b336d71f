"""Text helpers shared by validation and search."""

import re


def squash_whitespace(text: str) -> str:
    """Collapse runs of whitespace, so a quote copied across a line break still matches its source."""
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    return squash_whitespace(quote) in squash_whitespace(text)


_ID = re.compile(r"[0-9]{1,18}")


def as_id(value) -> int | None:
    """A database id from user input: ASCII digits that fit a 64-bit key, else None (never an exception)."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def ids_in(values) -> list[int]:
    return [i for i in map(as_id, values) if i is not None]
