"""The client's address, as throttles and the login lockout see it: one rule, DRF's, driven by NUM_PROXIES."""

from rest_framework.throttling import BaseThrottle

_throttle = BaseThrottle()


def client_address(request) -> str:
    """The socket's address, unless NUM_PROXIES says how many proxies append to X-Forwarded-For: then the
    address the outermost of them appended. A client's own X-Forwarded-For entries are never believed."""
    return _throttle.get_ident(request)
