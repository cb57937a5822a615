"""The one dependency every route uses to say which permission it needs, with CSRF checks built in.

``Allow(Permission.users_read)`` resolves the caller (API key header, else
session cookie), checks CSRF on unsafe methods for cookie-authenticated
requests, then checks the permission table. ``Allow(PUBLIC)`` lets anyone in
but still checks CSRF on anonymous form posts (the login form), using a
double-submit cookie. A test walks every route and requires exactly one
``Allow`` in its dependencies.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from anxin.api.csrf import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from anxin.auth import service as auth
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden, Unauthenticated
from anxin.store.db import after_commit, unit_of_work

SESSION_COOKIE = "anxin_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIMPLE_CONTENT_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


def api_key_from(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key")


async def _submitted_csrf(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _needs_csrf(request: Request, principal: auth.Principal | None) -> bool:
    """Cookie sessions always; anonymous callers only for bodies a cross-site form can send.

    A foreign page can post a form (urlencoded, multipart, text/plain) without a
    preflight, which is how login CSRF works; it cannot send application/json
    without CORS, which we do not allow, so anonymous JSON API calls need no token.
    """
    if principal is not None:
        return principal.via == "session"
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in SIMPLE_CONTENT_TYPES or not content_type


def _csrf_failed() -> Forbidden:
    return Forbidden(
        "missing or wrong CSRF token; reload the page and try again",
        message_zh="页面已过期或缺少安全校验，请刷新页面后重试",
        detail={"reason": "csrf"},
    )


class ApiKeyCache:
    """Principals of recently used API keys, for ``ttl_s`` seconds.

    Why: an integrator streaming events sends thousands of requests a second
    with one key, and resolving it costs two queries each time. Revoking a key
    through this app forgets it at once (``forget``); a change the cache cannot
    see (the key's owner deactivated) takes effect within ``ttl_s``.
    """

    def __init__(self, ttl_s: float = 2.0, max_entries: int = 10_000):
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[float, auth.Principal]] = {}

    @staticmethod
    def _slot(key: str) -> bytes:
        return hashlib.sha256(key.encode()).digest()

    def get(self, key: str) -> auth.Principal | None:
        found = self._entries.get(self._slot(key))
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, principal: auth.Principal) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[self._slot(key)] = (time.monotonic() + self.ttl_s, principal)

    def forget(self, api_key_id: int) -> None:
        for slot, (_expires, principal) in list(self._entries.items()):
            if principal.api_key_id == api_key_id:
                del self._entries[slot]


def revoke_api_key(request: Request, session: Session, *, key_id: int, actor: auth.Principal):
    """Revoke a key and, once that is stored, drop it from this app's cache: it fails on the next request."""
    row = auth.revoke_api_key(session, key_id=key_id, actor=actor)
    after_commit(session, lambda: request.app.state.api_key_cache.forget(key_id))
    return row


def _looked_up(request: Request, lookup, **credentials: str) -> auth.Principal | None:
    """Resolve credentials in a unit of work of their own (it may stamp a key's last use).

    The guard does not borrow the route's session: a route that needs no
    database (event ingestion with a cached key) then opens none at all.
    """
    with unit_of_work(request.app.state.sessionmaker) as session:
        return lookup(session, **credentials)


class Allow:
    """Dependency that admits callers holding ``permission`` (None = public) and returns the principal."""

    def __init__(self, permission: Permission | None):
        self.permission = permission

    async def __call__(self, request: Request) -> auth.Principal | None:
        principal = None
        key = api_key_from(request)
        if key:
            cache: ApiKeyCache = request.app.state.api_key_cache
            principal = cache.get(key)
            if principal is None:
                principal = await run_in_threadpool(_looked_up, request, auth.principal_from_api_key, key=key)
                if principal is None:
                    raise Unauthenticated("invalid or revoked API key", message_zh="API 密钥无效或已被吊销")
                cache.put(key, principal)
        elif token := request.cookies.get(SESSION_COOKIE):
            principal = await run_in_threadpool(_looked_up, request, auth.principal_from_session, token=token)
        if request.method in UNSAFE_METHODS and _needs_csrf(request, principal):
            expected = principal.csrf_token if principal is not None else request.cookies.get(CSRF_COOKIE)
            submitted = await _submitted_csrf(request)
            if not expected or not submitted or not hmac.compare_digest(expected, submitted):
                raise _csrf_failed()
        request.state.principal = principal
        if self.permission is None:
            return principal
        if principal is None:
            raise Unauthenticated("log in first", message_zh="请先登录")
        if not principal.may(self.permission):
            raise Forbidden(
                f"your role may not use this ({self.permission.value})",
                message_zh="您的角色无权执行此操作",
                detail={"permission": self.permission.value},
            )
        return principal


def allow(permission: Permission) -> type:
    """``Annotated`` alias for a route parameter that must hold ``permission``."""
    return Annotated[auth.Principal, Depends(Allow(permission))]


MaybePrincipal = Annotated[auth.Principal | None, Depends(Allow(None))]
