"""`X-Request-ID` on every response: django-guid keeps a client's or proxy's id, or draws a new one.

django-guid checks only that an id parses as a UUID, which Python allows with any number of hyphens, `urn:` prefixes
and underscores, so an id of several kilobytes would be kept, echoed and logged. Here an id is kept only if it is
1-128 characters of letters, digits, `.`, `_` and `-` (a UUID, nginx's `$request_id`, most tracing ids); any other
is dropped before django-guid reads the header, and it draws a new one.
"""

import re

from django_guid.middleware import guid_middleware

HEADER = "HTTP_X_REQUEST_ID"
VALID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id_middleware(get_response):
    inner = guid_middleware(get_response)

    def middleware(request):
        incoming = request.META.get(HEADER)
        if incoming is not None and not VALID.fullmatch(incoming):
            del request.META[HEADER]
        return inner(request)

    return middleware
