"""Event ingestion and decisions over HTTP: one event, a batch with per-item errors, and look-ups.

An event is answered only after it is in the journal with its decision; a
repeated id gets the first decision back with ``duplicate: true``. In a batch,
each item is validated on its own: bad items come back with their index and
the field at fault, and the good ones are accepted and decided anyway.

A brand's staff and its API keys send and read only their brand's events:
the event's ``tenant`` must be the brand's slug.

The two ingestion routes are declared here (for the OpenAPI docs and for any
caller that reaches them through FastAPI), but their work lives in
:func:`decide_event` and :func:`decide_batch`, which the lean ASGI fast path in
``fast_ingest`` calls directly: one implementation, two ways in.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.models import Brand
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden, InvalidInput, NotFound
from anxin.integrity.events.schema import Event, EventValidationError, check_not_future, parse_event
from anxin.integrity.journal import Journal
from anxin.integrity.server.live import runtime_of
from anxin.integrity.streams.gateway import StreamGateway, stored_decision, stored_decisions
from anxin.store.db import unit_of_work

router = APIRouter(prefix="/api", tags=["integrity"])

INGEST = Allow(Permission.events_ingest)  # the one guard of both ingestion ways in (route and fast path)
Ingester = Annotated[auth.Principal, Depends(INGEST)]
DecisionReader = Annotated[auth.Principal, Depends(Allow(Permission.decisions_read))]
MAX_BATCH = 5_000

EVENT_EXAMPLE = {
    "id": "ord-20260101-0001",
    "time": "2026-01-01T08:00:00+08:00",
    "tenant": "demo-mall",
    "type": "order_placed",
    "actor": "acct-1",
    "subject": "order-1",
    "attributes": {"shop": "shop-7", "item": "sku-3", "amount": 19900, "device": "dev-9", "ip": "10.1.2.3"},
}


def _brand_slug(request: Request, brand_id: int) -> str:
    with unit_of_work(request.app.state.sessionmaker) as session:
        brand = session.get(Brand, brand_id)
        return brand.slug if brand is not None else ""


async def tenant_of(request: Request, caller: auth.Principal) -> str | None:
    """The only tenant a brand-bound caller may use (its brand's slug); None for platform-wide callers.

    Slugs never change, so they are cached for the app's life: ingestion then needs no query at all.
    """
    if caller.brand_id is None:
        return None
    slugs: dict[int, str] = request.app.state.brand_slugs
    slug = slugs.get(caller.brand_id)
    if slug is None:
        slug = slugs[caller.brand_id] = await run_in_threadpool(_brand_slug, request, caller.brand_id)
    return slug


def _checked(raw: Any, allowed_tenant: str | None, now_ms: int) -> Event:
    event = parse_event(raw)
    if allowed_tenant is not None and event.tenant != allowed_tenant:
        raise EventValidationError("tenant", f"your key may only send events of tenant {allowed_tenant!r}")
    check_not_future(event, now_ms)
    return event


async def _json_body(request: Request) -> Any:
    """The request body parsed with orjson (the ingestion hot path skips FastAPI's generic body handling)."""
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the body is not JSON: {exc}", message_zh="请求体不是合法的 JSON") from None


def _json(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json")


def ingest_status(request: Request) -> int:
    """200 with the decision, or 202 when decision workers will decide (``ANXIN_DECISIONS=workers``)."""
    return 202 if isinstance(runtime_of(request), StreamGateway) else 200


def _body_doc(schema: dict[str, Any], example: Any) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema, "example": example}}}}


async def decide_event(request: Request, caller: auth.Principal) -> bytes:
    """One event's decision as the JSON response body; raises the errors the API renders in its envelope."""
    parsed = _checked(await _json_body(request), await tenant_of(request, caller), int(time.time() * 1000))
    (outcome,) = await runtime_of(request).decide_async([parsed], "http")
    return orjson.dumps(outcome.to_dict())


async def decide_batch(request: Request, caller: auth.Principal) -> bytes:
    """A batch's per-item results and counts as the JSON response body; only a malformed batch raises."""
    body = await _json_body(request)
    events = body.get("events") if isinstance(body, dict) else None
    if not isinstance(events, list):
        raise InvalidInput('send {"events": [event, …]}', message_zh='请发送 {"events": [事件, …]}')
    if len(events) > MAX_BATCH:
        raise InvalidInput(
            f"at most {MAX_BATCH:,} events per batch, got {len(events):,}; split the batch",
            message_zh=f"每批最多 {MAX_BATCH} 个事件",
            detail={"max_items": MAX_BATCH},
        )
    allowed_tenant = await tenant_of(request, caller)
    now_ms = int(time.time() * 1000)
    good: list[Event] = []
    positions: list[int] = []
    results: list[dict[str, Any] | None] = [None] * len(events)
    for index, raw in enumerate(events):
        try:
            good.append(_checked(raw, allowed_tenant, now_ms))
            positions.append(index)
        except EventValidationError as exc:
            results[index] = {"index": index, "error": exc.code, "message": str(exc), "field": exc.field}
    outcomes = await runtime_of(request).decide_async(good, "http-batch")
    duplicates = 0
    for index, outcome in zip(positions, outcomes, strict=True):
        results[index] = {"index": index, **outcome.to_dict()}
        duplicates += outcome.duplicate
    return orjson.dumps(
        {
            "accepted": len(good) - duplicates,
            "duplicates": duplicates,
            "rejected": len(events) - len(good),
            "results": results,
        }
    )


@router.post(
    "/events",
    responses=error_schema(InvalidInput, Forbidden),
    openapi_extra=_body_doc({"type": "object"}, EVENT_EXAMPLE),
)
async def ingest_event(request: Request, caller: Ingester) -> Response:
    """Decide one event: ``allow`` / ``review`` / ``block`` with score and the rules that fired, once durable.

    With decision workers: ``202`` and ``{"status": "queued"}`` once the event is on their log.
    """
    return _json(await decide_event(request, caller), ingest_status(request))


@router.post(
    "/events/batch",
    responses=error_schema(InvalidInput, Forbidden),
    openapi_extra=_body_doc(
        {"type": "object", "properties": {"events": {"type": "array", "maxItems": MAX_BATCH}}, "required": ["events"]},
        {"events": [EVENT_EXAMPLE]},
    ),
)
async def ingest_batch(request: Request, caller: Ingester) -> Response:
    """Decide up to 5,000 events in one group commit; bad items are reported by index, good ones accepted."""
    return _json(await decide_batch(request, caller), ingest_status(request))


Decider = Callable[[Request, auth.Principal], Awaitable[bytes]]
_DECIDERS: dict[Callable[..., Any], Decider] = {ingest_event: decide_event, ingest_batch: decide_batch}
# Full path -> decider of the POST routes above, read off the router so the fast path cannot drift from it.
FAST_PATHS: dict[str, Decider] = {
    route.path: _DECIDERS[route.endpoint]
    for route in router.routes
    if isinstance(route, APIRoute) and route.endpoint in _DECIDERS and route.methods == {"POST"}
}


def reader(request: Request) -> Journal:
    return Journal(runtime_of(request).path, readonly=True)


@router.get("/decisions", responses=error_schema(InvalidInput))
async def list_decisions(
    request: Request,
    caller: DecisionReader,
    action: Annotated[str | None, Query(pattern="^(allow|review|block)$")] = None,
    before: Annotated[int | None, Query(ge=1, description="seq to page back from")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """The decision stream, newest first (a brand's callers see only their tenant).

    With decision workers the rows come from the database and ``before`` is a ``decided_ms`` to page back from.
    """
    if isinstance(runtime_of(request), StreamGateway):
        tenant = await tenant_of(request, caller)
        with unit_of_work(request.app.state.sessionmaker) as session:
            return stored_decisions(session, before_ms=before, action=action, tenant=tenant, limit=limit)
    journal = reader(request)
    try:
        tenant = await tenant_of(request, caller)
        rows = journal.decisions(before_seq=before, action=action, tenant=tenant, limit=limit)
    finally:
        journal.close()
    return [r.to_dict() for r in rows]


@router.get("/decisions/{tenant}/{event_id}", responses=error_schema(NotFound))
async def read_decision(request: Request, caller: DecisionReader, tenant: str, event_id: str):
    """One event with its decision, the rules that fired with the feature values they saw, and its shadow twin."""
    allowed = await tenant_of(request, caller)
    if isinstance(runtime_of(request), StreamGateway):
        with unit_of_work(request.app.state.sessionmaker) as session:
            found = stored_decision(session, tenant, event_id) if allowed in (None, tenant) else None
        if found is None:
            raise NotFound(f"no decision for event {event_id!r} of {tenant!r} yet", message_zh="该事件尚无决策")
        return {**found, "shadow": None}
    journal = reader(request)
    try:
        row = journal.decision(tenant, event_id) if allowed in (None, tenant) else None
        if row is None:
            raise NotFound(f"no decision for event {event_id!r} of {tenant!r}", message_zh="没有该事件的决策")
        shadow = journal.shadow_for(row.seq)
    finally:
        journal.close()
    out = row.to_dict()
    out["shadow"] = (
        None if shadow is None else {"ruleset": shadow.ruleset, "action": shadow.action, "score": shadow.score}
    )
    return out
