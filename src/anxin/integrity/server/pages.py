"""The risk console: decision stream, explanations, the rule editor (check, backtest, versions), lists.

The editor saves versions and activates or shadows them; the lists page adds
and removes block/allow entries.

Every page reads the journal through a read-only connection, so looking never
slows the writer; every change goes through the same services as the API.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import SessionDep, get_locale
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission, allowed
from anxin.errors import AnxinError
from anxin.integrity import overrides
from anxin.integrity.backtest import CHINA_OFFSET_MS
from anxin.integrity.journal import Journal
from anxin.integrity.rules import service as rules
from anxin.integrity.rules.language import RuleError
from anxin.integrity.server.live import publish_list, publish_rulesets, runtime_of
from anxin.integrity.server.rule_routes import run_backtest
from anxin.text import N_
from anxin.web.forms import FormData
from anxin.web.templating import render

router = APIRouter(include_in_schema=False)

RiskViewer = Annotated[auth.Principal, Depends(Allow(Permission.page_risk))]
Overrider = Annotated[auth.Principal, Depends(Allow(Permission.decisions_override))]
RuleEditor = Annotated[auth.Principal, Depends(Allow(Permission.rules_manage))]
ListEditor = Annotated[auth.Principal, Depends(Allow(Permission.lists_manage))]
ACTION_LABELS = {"allow": N_("allow"), "review": N_("review"), "block": N_("block")}
STATUS_LABELS = {"draft": N_("draft"), "active": N_("live"), "shadow": N_("shadow"), "retired": N_("retired")}
DAYS_CHARTED = 14
HOUR_MS = 3_600_000


def _journal(request: Request) -> Journal:
    return Journal(runtime_of(request).path, readonly=True)


def china_time(ms: int) -> str:
    return datetime.fromtimestamp((ms + CHINA_OFFSET_MS) / 1000, UTC).strftime("%m-%d %H:%M:%S")


def _hourly_chart(journal: Journal) -> dict[str, Any]:
    """Decisions per event-time hour (China time) over the journal's last 14 days of events, one series per action."""
    span = journal.event_time_span()
    if span is None:
        return {"hours": [], "series": {}}
    oldest, newest = span
    since = max(oldest, newest - DAYS_CHARTED * 24 * HOUR_MS)
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for hour, action, n in journal.action_counts_by_event_hour(since_ms=since):
        counts[action][hour] = n
    hours = list(range(since - since % HOUR_MS, newest + 1, HOUR_MS))
    labels = [china_time(h)[:8] + "h" for h in hours]
    return {"hours": labels, "series": {a: [counts[a].get(h, 0) for h in hours] for a in ("allow", "review", "block")}}


def _stream_context(journal: Journal, action: str | None) -> dict[str, Any]:
    rows = journal.decisions(action=action, limit=50)
    return {
        "rows": [
            {**r._asdict(), "when": china_time(r.time_ms), "fired_names": [f["name"] for f in json.loads(r.fired)]}
            for r in rows
        ],
        "action": action,
    }


@router.get("/risk")
def risk_console(request: Request, _caller: RiskViewer, action: str | None = None):
    action = action if action in ACTION_LABELS else None
    runtime = runtime_of(request)
    journal = _journal(request)
    try:
        totals = journal.action_totals()
        context = {
            "totals": totals,
            "chart": _hourly_chart(journal),
            **_stream_context(journal, action),
            "stats": runtime.stats,
            "ruleset": runtime.ruleset.version,
            "rule_count": len(runtime.ruleset),
            "shadow": runtime.shadow.version if runtime.shadow is not None else None,
            "action_labels": ACTION_LABELS,
        }
    finally:
        journal.close()
    return render(request, "risk_console.html", context)


@router.get("/risk/stream")
def risk_stream(request: Request, _caller: RiskViewer, action: str | None = None):
    """The stream table alone, polled by the console every few seconds."""
    journal = _journal(request)
    try:
        context = _stream_context(journal, action if action in ACTION_LABELS else None)
    finally:
        journal.close()
    return render(request, "risk_stream.html", {**context, "action_labels": ACTION_LABELS})


@router.get("/risk/decisions/{tenant}/{event_id}")
def decision_page(request: Request, tenant: str, event_id: str, session: SessionDep, caller: RiskViewer):
    return _decision_page(request, session, caller, tenant, event_id)


def _decision_page(request, session, caller, tenant: str, event_id: str, *, error: str | None = None, status=200):
    journal = _journal(request)
    try:
        row = journal.decision(tenant, event_id)
        shadow = journal.shadow_for(row.seq) if row is not None else None
    finally:
        journal.close()
    if row is None:
        return render(request, "risk_decision.html", {"row": None}, status=404)
    found = overrides.overrides_of(session, tenant, event_id)
    names = auth.display_names(session) if found else {}
    context = {
        "row": row.to_dict(),
        "when": china_time(row.time_ms),
        "received": china_time(row.received_ms),
        "shadow": shadow,
        "action_labels": ACTION_LABELS,
        "overrides": [{"by": names.get(e.actor_id, "?"), "at": e.at, **e.detail} for e in found],
        "can_override": caller.role is not None and allowed(caller.role, Permission.decisions_override),
        "new_actions": [a for a in overrides.NEW_ACTIONS if a != row.action],
        "error": error,
    }
    return render(request, "risk_decision.html", context, status=status)


@router.post("/risk/decisions/{tenant}/{event_id}/override")
async def override_decision(
    request: Request, tenant: str, event_id: str, session: SessionDep, caller: Overrider, form: FormData
):
    """Release, hold or block what the engine decided; the override enters the journal as a ``staff_override``."""
    journal = _journal(request)
    try:
        row = journal.decision(tenant, event_id)
    finally:
        journal.close()
    if row is None:
        return render(request, "risk_decision.html", {"row": None}, status=404)
    try:
        event = overrides.override_event(
            session, row, staff=caller, new_action=form.get("new_action", ""), reason=form.get("reason", ""),
            ip=request.client.host if request.client else None,
        )  # fmt: skip
    except AnxinError as err:
        session.rollback()
        return _decision_page(
            request, session, caller, tenant, event_id, error=err.localized(get_locale(request)), status=err.status
        )
    await runtime_of(request).decide_async([event], "staff")
    return RedirectResponse(f"/risk/decisions/{tenant}/{event_id}", status_code=303)


def _rules_context(session, request: Request, **extra: Any) -> dict[str, Any]:
    versions = rules.list_versions(session)
    active = rules.with_status(session, "active")
    names = auth.display_names(session)
    shadow_report = None
    if rules.with_status(session, "shadow") is not None:
        journal = _journal(request)
        try:
            counts, differing = journal.shadow_differences(limit=20)
        finally:
            journal.close()
        shadow_report = {"counts": sorted(counts.items()), "rows": differing}
    context = {
        "versions": versions,
        "active": active,
        "provenance": rules.provenance(session, active.id) if active is not None else [],
        "names": names,
        "status_labels": STATUS_LABELS,
        "action_labels": ACTION_LABELS,
        "source": active.source if active is not None else "",
        "reason": "",
        "check": None,
        "report": None,
        "error": None,
        "shadow_report": shadow_report,
        "lists": sorted(rules.catalog(session).lists or ()),
    }
    context.update(extra)
    return context


@router.get("/risk/rules")
def rules_page(request: Request, session: SessionDep, _caller: RiskViewer):
    return render(request, "risk_rules.html", _rules_context(session, request))


@router.post("/risk/rules")
def rules_action(request: Request, session: SessionDep, caller: RuleEditor, form: FormData):
    """One form, three buttons: check, backtest, save (a draft version)."""
    source, reason, op = form.get("source", ""), form.get("reason", ""), form.get("op", "check")
    context: dict[str, Any] = {"source": source, "reason": reason}
    try:
        if op == "save":
            version = rules.save_version(session, source=source, reason=reason, author=caller)
            return RedirectResponse(f"/risk/rules?saved={version.number}", status_code=303)
        compiled = rules.check_source(session, source)
        context["check"] = {"rules": [r.name for r in compiled.rules], "features": compiled.feature_names}
        if op == "backtest":
            report = run_backtest(session, runtime_of(request).path, source)
            days = sorted(report["flagged_per_day"])
            context["report"] = {
                **report,
                "chart": {"days": days, "values": [report["flagged_per_day"][d] for d in days]},
            }
    except RuleError as err:
        context["error"] = err.localized(get_locale(request))
        context["error_at"] = err.detail
    except AnxinError as err:
        context["error"] = err.localized(get_locale(request))
    status = 422 if context.get("error") else 200
    return render(request, "risk_rules.html", _rules_context(session, request, **context), status=status)


@router.post("/risk/rules/{version_id}/{op}")
def version_action(request: Request, version_id: int, op: str, session: SessionDep, caller: RuleEditor):
    """``activate`` or ``shadow`` a stored version (``shadow`` on the live one stops shadowing)."""
    try:
        if op == "activate":
            rules.activate(session, version_id, actor=caller)
        elif op == "shadow":
            rules.set_shadow(session, version_id, actor=caller)
        elif op == "unshadow":
            rules.set_shadow(session, None, actor=caller)
        else:
            return RedirectResponse("/risk/rules", status_code=303)
    except AnxinError as err:
        session.rollback()
        context = _rules_context(session, request, error=err.localized(get_locale(request)))
        return render(request, "risk_rules.html", context, status=409)
    publish_rulesets(session, runtime_of(request))
    return RedirectResponse("/risk/rules", status_code=303)


@router.get("/risk/lists")
def lists_page(request: Request, session: SessionDep, _caller: RiskViewer, error: str | None = None):
    entries = rules.entries(session)
    by_list: dict[str, list] = {name: [] for name in sorted(rules.STANDARD_LISTS)}
    for e in entries:
        by_list.setdefault(e.list_name, []).append(e)
    return render(request, "risk_lists.html", {"by_list": by_list, "error": error})


@router.post("/risk/lists")
def lists_add(request: Request, session: SessionDep, caller: ListEditor, form: FormData):
    name = form.get("list_name", "")
    values = form.get("values", "").replace(",", "\n").splitlines()
    try:
        rules.add_entries(session, list_name=name, values=values, reason=form.get("reason", ""), actor=caller)
    except AnxinError as err:
        session.rollback()
        return lists_page(request, session, caller, error=err.localized(get_locale(request)))
    publish_list(session, runtime_of(request), name.strip())
    return RedirectResponse("/risk/lists", status_code=303)


@router.post("/risk/lists/{entry_id}/remove")
def lists_remove(request: Request, entry_id: int, session: SessionDep, caller: ListEditor):
    entry = rules.remove_entry(session, entry_id, actor=caller)
    publish_list(session, runtime_of(request), entry.list_name)
    return RedirectResponse("/risk/lists", status_code=303)
