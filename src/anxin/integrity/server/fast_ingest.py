"""A lean ASGI fast path for ``POST /api/events`` and ``POST /api/events/batch``.

Why: an integrator streams thousands of events a second, and through FastAPI
most of each request's time went to matching ~150 routes in turn, solving
dependencies and building the route's wrappers, not to the event. This
middleware recognises the two ingestion requests by method and exact path and
serves them itself, calling the very functions the FastAPI routes call
(``event_routes.INGEST`` to authenticate, ``decide_event`` / ``decide_batch``
for the work). Every other request goes on to FastAPI untouched.

It is installed as the innermost middleware, so the request id, the body-size
limit and the 500 handler around it are the app's own, unchanged. Errors are
rendered by the app's installed exception handlers, exactly as FastAPI's
exception middleware would: the same status, envelope and locale.

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
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from anxin.auth import service as auth
from anxin.auth.guard import ApiKeyCache, api_key_from
from anxin.integrity.server.event_routes import FAST_PATHS, INGEST, Decider

_JSON = (b"content-type", b"application/json")


class FastIngest:
    """Serve the event-ingestion POSTs without FastAPI's router; pass everything else on."""

    def __init__(self, app: ASGIApp, paths: dict[str, Decider] | None = None):
        self.app = app
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
        request = Request(scope, receive)
        try:
            body = await decider(request, await self._caller(request))
        except Exception as exc:
            handler = _handler_for(request, exc)
            if handler is None:
                raise  # unexpected: the app's 500 handler (ServerErrorMiddleware) renders it, as for any route
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
            await response(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), _JSON],
            }
        )
        await send({"type": "http.response.body", "body": body})

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


def _handler_for(request: Request, exc: Exception) -> Any:
    """The handler FastAPI's exception middleware would pick: by status for HTTP errors, else by class.

    ``Exception`` itself is left out: like every route's, unexpected errors go to the outer 500 handler.
    """
    handlers = request.app.exception_handlers
    if isinstance(exc, HTTPException) and exc.status_code in handlers:
        return handlers[exc.status_code]
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None


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
