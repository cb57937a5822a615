"""Event ingestion and decisions over HTTP: one event, a batch with per-item errors, and look-ups.

An event is answered only after it is in the journal with its decision; a
repeated id gets the first decision back with ``duplicate: true``. In a batch,
each item is validated on its own: bad items come back with their index and
the field at fault, and the good ones are accepted and decided anyway.

A brand's staff and its API keys send and read only their brand's events:
the event's ``tenant`` must be the brand's slug.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from sqlalchemy.orm import Session

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.models import Brand
from anxin.auth.permissions import Permission
from anxin.errors import Forbidden, InvalidInput, NotFound
from anxin.integrity.events.schema import Event, EventValidationError, parse_event
from anxin.integrity.journal import Journal
from anxin.integrity.server.live import runtime_of

router = APIRouter(prefix="/api", tags=["integrity"])

Ingester = Annotated[auth.Principal, Depends(Allow(Permission.events_ingest))]
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


def tenant_of(session: Session, caller: auth.Principal) -> str | None:
    """The only tenant a brand-bound caller may use (its brand's slug); None for platform-wide callers."""
    if caller.brand_id is None:
        return None
    brand = session.get(Brand, caller.brand_id)
    return brand.slug if brand is not None else ""


def _checked(raw: Any, allowed_tenant: str | None) -> Event:
    event = parse_event(raw)
    if allowed_tenant is not None and event.tenant != allowed_tenant:
        raise EventValidationError("tenant", f"your key may only send events of tenant {allowed_tenant!r}")
    return event


@router.post("/events", responses=error_schema(InvalidInput, Forbidden))
async def ingest_event(
    request: Request,
    session: SessionDep,
    caller: Ingester,
    event: Annotated[dict[str, Any], Body(examples=[EVENT_EXAMPLE])],
) -> dict[str, Any]:
    """Decide one event: ``allow`` / ``review`` / ``block`` with score and the rules that fired, once durable."""
    parsed = _checked(event, tenant_of(session, caller))
    (outcome,) = await runtime_of(request).decide_async([parsed], "http")
    return outcome.to_dict()


@router.post("/events/batch", responses=error_schema(InvalidInput, Forbidden))
async def ingest_batch(
    request: Request,
    session: SessionDep,
    caller: Ingester,
    events: Annotated[list[Any], Body(embed=True, max_length=MAX_BATCH, examples=[[EVENT_EXAMPLE]])],
) -> dict[str, Any]:
    """Decide up to 5,000 events in one group commit; bad items are reported by index, good ones accepted."""
    allowed_tenant = tenant_of(session, caller)
    good: list[Event] = []
    positions: list[int] = []
    results: list[dict[str, Any] | None] = [None] * len(events)
    for index, raw in enumerate(events):
        try:
            good.append(_checked(raw, allowed_tenant))
            positions.append(index)
        except EventValidationError as exc:
            results[index] = {"index": index, "error": exc.code, "message": str(exc), "field": exc.field}
    outcomes = await runtime_of(request).decide_async(good, "http-batch")
    duplicates = 0
    for index, outcome in zip(positions, outcomes, strict=True):
        results[index] = {"index": index, **outcome.to_dict()}
        duplicates += outcome.duplicate
    return {
        "accepted": len(good) - duplicates,
        "duplicates": duplicates,
        "rejected": len(events) - len(good),
        "results": results,
    }


def reader(request: Request) -> Journal:
    return Journal(runtime_of(request).path, readonly=True)


@router.get("/decisions", responses=error_schema(InvalidInput))
def list_decisions(
    request: Request,
    session: SessionDep,
    caller: DecisionReader,
    action: Annotated[str | None, Query(pattern="^(allow|review|block)$")] = None,
    before: Annotated[int | None, Query(ge=1, description="seq to page back from")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """The decision stream, newest first (a brand's callers see only their tenant)."""
    journal = reader(request)
    try:
        rows = journal.decisions(before_seq=before, action=action, tenant=tenant_of(session, caller), limit=limit)
    finally:
        journal.close()
    return [r.to_dict() for r in rows]


@router.get("/decisions/{tenant}/{event_id}", responses=error_schema(NotFound))
def read_decision(request: Request, session: SessionDep, caller: DecisionReader, tenant: str, event_id: str):
    """One event with its decision, the rules that fired with the feature values they saw, and its shadow twin."""
    allowed = tenant_of(session, caller)
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
