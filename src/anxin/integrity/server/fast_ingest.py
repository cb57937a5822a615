"""A lean ASGI fast path for ``POST /api/events`` and ``POST /api/events/batch``.

Why: an integrator streams thousands of events a second, and through FastAPI
most of each request's time went to matching ~150 routes in turn, solving
dependencies, and passing every message through a dozen middleware layers, not
to the event. This front recognises the two ingestion requests by method and
exact path and serves them itself, calling the very functions the FastAPI
routes call (``event_routes.INGEST`` to authenticate, ``decide_event`` /
``decide_batch`` for the work). Every other request goes on to FastAPI's whole
stack untouched.

It sits in front of that stack (``anxin.app.AnxinApp`` builds it there), so it
does itself, with the app's own helpers, the three things the stack would have
done for these requests: the request id (``assign_request_id``), the body-size
limit (``payload_too_large``) and the error answers, rendered by the app's
installed exception handlers exactly as FastAPI would pick them (the 500
handler for anything unexpected). The CSRF cookie middleware has nothing to do
here: only pages hand out new tokens.

Concurrent requests with an API key the cache does not hold (the first burst,
and again each time the 2-second cache entry lapses) wait for the first one's
look-up instead of each running its own in the thread pool: a stream of 2,000
events/s otherwise sent a dozen or more look-ups at once into the database
every two seconds, and the stall showed in the p99. Each request still goes
through the guard itself afterwards; only the timing of the look-up changes.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anxin.api.middleware import assign_request_id, payload_too_large
from anxin.auth import service as auth
from anxin.auth.guard import ApiKeyCache, api_key_from
from anxin.integrity.server.event_routes import FAST_PATHS, INGEST, Decider, ingest_status

_JSON = (b"content-type", b"application/json")


class FastIngest:
    """Serve the event-ingestion POSTs in front of the app's middleware; pass everything else on."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, paths: dict[str, Decider] | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.paths = FAST_PATHS if paths is None else paths
        self._looking_up: dict[str, asyncio.Future[None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            decider = self.paths.get(scope["path"])
            if decider is not None:
                await self._serve(decider, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, decider: Decider, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = assign_request_id(scope)
        try:
            body = await self._body(scope, receive)
        except ClientDisconnect:
            return
        if body is None:
            refusal = payload_too_large(self.max_body_bytes)
            refusal.headers["x-request-id"] = request_id
            await refusal(scope, receive, send)
            return
        request = Request(scope, _replay(body))
        try:
            answer = await decider(request, await self._caller(request))
        except Exception as exc:
            response = _handler_for(request, exc)(request, exc)
            if inspect.isawaitable(response):
                response = await response
            response.headers["x-request-id"] = request_id
            await response(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": ingest_status(request),
                "headers": [
                    (b"content-length", str(len(answer)).encode()),
                    _JSON,
                    (b"x-request-id", request_id.encode("latin-1")),
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    async def _body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None once it is over the limit (by its declared length or while it streams)."""
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientDisconnect  # the client went away before the whole body came: nothing to decide
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _caller(self, request: Request) -> auth.Principal:
        """The guard's principal; a cache miss already being looked up for this key is waited for first."""
        key = api_key_from(request)
        if key:
            cache: ApiKeyCache = request.app.state.api_key_cache
            pending = self._looking_up.get(key)
            if pending is not None:
                await asyncio.shield(pending)
            elif cache.get(key) is None:
                done = self._looking_up[key] = asyncio.get_running_loop().create_future()
                try:
                    return await INGEST(request)
                finally:
                    del self._looking_up[key]
                    done.set_result(None)
        return await INGEST(request)


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands the already-read body to the request once."""

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _handler_for(request: Request, exc: Exception) -> Any:
    """The handler FastAPI would pick: by status for HTTP errors, else by class, the 500 handler at last."""
    handlers = request.app.exception_handlers
    if isinstance(exc, HTTPException) and exc.status_code in handlers:
        return handlers[exc.status_code]
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    raise exc  # the app installs a handler for Exception, so only a bare BaseException gets here


@contextmanager
def frozen_startup_heap() -> Iterator[None]:
    """Keep the objects alive after start-up out of every garbage collection while the app serves.

    Why: the modules, routes, ORM and compiled rules make a heap of some hundred
    thousand objects that never die; each full collection walked all of them and
    stalled the event loop for ~0.3 s mid-stream, which alone broke the ingestion
    p99. Frozen, a full collection only walks what was made since (~10 ms). The
    heap is unfrozen at shutdown so a process that builds many apps (the tests)
    can still free them.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
