"""CSRF token names and the anonymous double-submit token.

A logged-in browser's token lives in its session row (see ``anxin.auth``);
before login (the login form itself) the token is a random cookie that the
form must echo back. Both travel as the ``X-CSRF-Token`` header (HTMX) or the
``csrf_token`` form field (plain forms).
"""

from __future__ import annotations

import secrets

from starlette.requests import Request

CSRF_COOKIE = "anxin_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


def csrf_token_for(request: Request) -> str:
    """The token a page must embed: the session's when logged in, else the double-submit cookie's."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and getattr(principal, "csrf_token", None):
        return principal.csrf_token
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf_cookie = token  # CsrfCookieMiddleware sets it on the response
    return token
