"""Absolute URLs for a page of representations: each route reversed once per request, then filled in by string."""

import re
from urllib.parse import urlencode

from django.urls import get_script_prefix
from django.urls import reverse as page_reverse
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

_PLAIN = re.compile(r"[A-Za-z0-9_-]+")
_PLACEHOLDER = "8080808080808080"
_shared_templates: dict = {}


class Links:
    """Absolute URLs for one request: each route reversed once with a placeholder, then filled in by string.
    A page of 50 deals holds about 250 links; reverse() for each was a fifth of the page's time."""

    def __init__(self, request, format):
        self.request, self.format = request, format
        # What reverse() and build_absolute_uri() read besides the route: requests that agree on these share
        # templates, so a route is reversed once per process rather than once per request.
        if getattr(request, "versioning_scheme", None) is None:
            key = (
                request.scheme,
                request.get_host(),
                format,
                request.GET.get(api_settings.URL_FORMAT_OVERRIDE),
                get_script_prefix(),
                getattr(request, "urlconf", None),
            )
            if len(_shared_templates) > 1000:
                _shared_templates.clear()
            self.templates = _shared_templates.setdefault(key, {})
        else:
            self.templates = {}
        self.functions: dict = {}

    def template(self, view_name, kwarg):
        """A function from a lookup value to its absolute URL, exactly as reverse() would make it; one per route
        and request, so slugs repeated on a page are checked once."""
        made = self.functions.get((view_name, kwarg))
        if made is None:
            made = self.functions[(view_name, kwarg)] = self._template(view_name, kwarg, self._reverse)
        return made

    def page(self, view_name, kwarg):
        """As `template`, for a page of the explorer (core.api.fields.PageLinkField): a URL for people, so without
        the request's format suffix or `?format=`, and outside API versioning."""
        made = self.functions.get(("page", view_name, kwarg))
        if made is None:
            made = self.functions[("page", view_name, kwarg)] = self._template(view_name, kwarg, self._page)
        return made

    def _reverse(self, view_name, kwarg, value):
        return reverse(view_name, kwargs={kwarg: value}, request=self.request, format=self.format)

    def _page(self, view_name, kwarg, value):
        return self.request.build_absolute_uri(page_reverse(view_name, kwargs={kwarg: value}))

    def _template(self, view_name, kwarg, reverse_one):
        key = (reverse_one.__name__, view_name, kwarg)
        parts = self.templates.get(key, False)
        if parts is False:
            url = reverse_one(view_name, kwarg, _PLACEHOLDER)
            parts = tuple(url.split(_PLACEHOLDER)) if url.count(_PLACEHOLDER) == 1 else None
            self.templates[key] = parts
        made = {}

        def url(value):
            if parts is not None and type(value) is int:
                return f"{parts[0]}{value}{parts[1]}"
            found = made.get(value)
            if found is None:
                text = str(value)
                if parts is not None and _PLAIN.fullmatch(text):
                    found = parts[0] + text + parts[1]
                else:  # a value reverse() would escape, or a route that cannot be templated
                    found = reverse_one(view_name, kwarg, value)
                made[value] = found
            return found

        return url

    def list_link(self, view_name, filter_name):
        """A function from a record's key to its related list's URL (core.api.fields.ListLinkField); the list's
        route reversed once per process, like the templates (reverse() per request was a tenth of a deal's detail)."""
        base = self.templates.get((view_name, None))
        if base is None:
            base = self.templates[(view_name, None)] = reverse(view_name, request=self.request, format=self.format)

        def url(key):
            if type(key) is int:
                return f"{base}?{filter_name}={key}"
            return f"{base}?{urlencode({filter_name: key})}"

        return url


def links_for(request, format) -> Links:
    cache = request.__dict__.setdefault("_representation_links", {})
    links = cache.get(format)
    if links is None:
        links = cache[format] = Links(request, format)
    return links
