"""Renderers: JSON through orjson, and CSV for the export's content negotiation."""

import json

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer

_ENCODER = JSONRenderer.encoder_class()
# What DRF's encoder does for these, orjson would do differently (datetime formats) or not at all (Decimal).
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def _default(value):
    return _ENCODER.default(value)


class OrjsonRenderer(JSONRenderer):
    """DRF's compact JSON, written by orjson (several times faster on a page of deals). Anything orjson refuses,
    and indented output, goes through DRF's own renderer."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if (
            self.ensure_ascii
            or not self.compact
            or not self.strict
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=_default, option=_OPTIONS)
        except (TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
        # DRF escapes these two so the JSON stays a subset of JavaScript; orjson does not.
        if b"\xe2\x80\xa8" in rendered or b"\xe2\x80\xa9" in rendered:
            rendered = rendered.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return rendered


class CSVRenderer(BaseRenderer):
    """Lets clients ask for `text/csv`; views stream the CSV themselves, so this only ever renders errors, as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()
