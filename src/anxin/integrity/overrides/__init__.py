"""Staff overrides of the engine's decisions (内外勾结 starts here): written to the journal, never only to a table.

Why the journal: an insider who releases blocked orders for a partner
merchant must leave the same trace as any other event, so the insider
collusion detector reads overrides from the engine's own history and a
rule can watch them (``type == "staff_override"``). The audit log records
the same act with the staff member's user id, chained and tamper-evident.
"""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.audit.models import AuditEntry
from anxin.auth.service import Principal
from anxin.errors import InvalidInput
from anxin.integrity.events.schema import Event
from anxin.integrity.journal.store import StoredDecision

NEW_ACTIONS = ("allow", "review", "block")


def subject_of(tenant: str, event_id: str) -> str:
    return f"decision:{tenant}/{event_id}"


def override_event(
    session: Session, decision: StoredDecision, *, staff: Principal, new_action: str, reason: str, ip: str | None
) -> Event:
    """The ``staff_override`` event for ``decision`` (to be decided into the journal), recorded in the audit log.

    Raises:
        InvalidInput: an unknown action, the decision's own action, or no reason.
    """
    if new_action not in NEW_ACTIONS:
        raise InvalidInput(f"new action must be one of {NEW_ACTIONS}", message_zh="新的处置须为 放行/复核/拦截 之一")
    if new_action == decision.action:
        raise InvalidInput(f"the decision already says {new_action}", message_zh="新的处置与原决定相同")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("an override needs a reason", message_zh="推翻决定须写明理由")
    original = decision.to_dict()
    now = int(time.time() * 1000)
    attrs = {"decision": decision.event_id, "new_action": new_action, "beneficiary": decision.actor, "reason": reason}
    shop = original["event"].get("attributes", {}).get("shop")
    if shop:
        attrs["shop"] = shop
    if ip:
        attrs["ip"] = ip
    event = Event(
        f"override-{decision.event_id}-{now}", now, decision.tenant, "staff_override", staff.username,
        decision.event_id, attrs,
    )  # fmt: skip
    audit.record(
        session,
        actor_id=staff.user_id,
        action="decision.override",
        subject=subject_of(decision.tenant, decision.event_id),
        detail={"from": decision.action, "to": new_action, "reason": reason, "event": event.id, "shop": shop},
    )
    return event


def overrides_of(session: Session, tenant: str, event_id: str) -> list[AuditEntry]:
    """Every override of one decision, oldest first."""
    query = select(AuditEntry).where(
        AuditEntry.subject == subject_of(tenant, event_id), AuditEntry.action == "decision.override"
    )
    return list(session.scalars(query.order_by(AuditEntry.seq)))
