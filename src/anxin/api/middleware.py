"""Pure ASGI middleware: request ids, the body-size limit, and the anonymous CSRF cookie.

Written as raw ASGI rather than ``BaseHTTPMiddleware`` so they add no task
switch per request and can refuse an oversized body before it is read whole.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anxin.api.errors import envelope

# Request ids only have to be unique, not secret: a generator seeded once from the OS draws them without the
# system call ``secrets`` makes per id (2 % of an ingestion request's time).
_request_ids = random.Random(os.urandom(16))


def assign_request_id(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` (first 64 characters) or a new random one, kept in the request state."""
    incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")[:64]
    request_id = incoming or f"{_request_ids.getrandbits(64):016x}"
    scope.setdefault("state", {})["request_id"] = request_id
    return request_id


def payload_too_large(limit: int) -> Response:
    """The 413 answer for a body over ``limit`` bytes, in the error envelope."""
    body = json.dumps(
        envelope(
            "payload_too_large", f"request body over {limit} bytes / 请求体超过 {limit} 字节", {"max_bytes": limit}
        ),
        ensure_ascii=False,
    ).encode()
    return Response(body, status_code=413, media_type="application/json")


class PayloadTooLarge(HTTPException):
    """A body went over ``limit`` while it was read.

    Raised from ``receive``; an HTTPException so FastAPI's body parser re-raises
    it rather than calling it a 400, and the app's handler for it
    (:func:`payload_too_large_handler`) answers as a refusal by declared length does.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit


async def payload_too_large_handler(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PayloadTooLarge)
    return payload_too_large(exc.limit)


class RequestIdMiddleware:
    """Give each request an id (or keep the caller's ``X-Request-ID``) and echo it in the response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = assign_request_id(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["x-request-id"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodySizeLimitMiddleware:
    """Refuse bodies over the limit with 413 in the error envelope, by header or while streaming.

    Multipart uploads (photos, evidence) get ``max_upload_bytes``; every other body ``max_bytes``.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int | None = None):
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_upload_bytes if multipart else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await payload_too_large(limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge:
            if not started:
                await payload_too_large(limit)(scope, receive, send)


class CsrfCookieMiddleware:
    """Set the anonymous double-submit CSRF cookie when a page handed out a new token."""

    def __init__(self, app: ASGIApp, *, secure: bool):
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            state: dict[str, Any] = scope.get("state", {})
            token = state.get("new_csrf_cookie")
            if message["type"] == "http.response.start" and token:
                cookie = f"anxin_csrf={token}; Path=/; HttpOnly; SameSite=Lax"
                if self.secure:
                    cookie += "; Secure"
                MutableHeaders(scope=message).append("set-cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)
