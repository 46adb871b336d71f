"""Text helpers shared by validation and search."""


def squash_whitespace(text: str) -> str:
    """Collapse runs of whitespace, so a quote copied across a line break still matches its source."""
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    return squash_whitespace(quote) in squash_whitespace(text)
