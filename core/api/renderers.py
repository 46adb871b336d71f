"""Renderers beyond JSON."""
import json

from rest_framework.renderers import BaseRenderer


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
