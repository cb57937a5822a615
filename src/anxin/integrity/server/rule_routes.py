"""Rules and lists over HTTP: check, save, backtest, shadow and activate versions; edit block/allow lists.

Changes reach the live decision runtime only after their transaction commits.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.backtest import backtest
from anxin.integrity.journal import Journal, event_from_json
from anxin.integrity.rules import service as rules
from anxin.integrity.rules.language import RuleError, compile_ruleset
from anxin.integrity.rules.models import ListEntry, RulesetVersion
from anxin.integrity.server.live import publish_list, publish_rulesets, runtime_of

router = APIRouter(prefix="/api", tags=["integrity"])

RuleEditor = Annotated[auth.Principal, Depends(Allow(Permission.rules_manage))]
ListEditor = Annotated[auth.Principal, Depends(Allow(Permission.lists_manage))]
DecisionReader = Annotated[auth.Principal, Depends(Allow(Permission.decisions_read))]


class RulesetIn(BaseModel):
    source: str = Field(max_length=rules.MAX_SOURCE_CHARS, description="The whole ruleset in the rule language.")
    reason: str = Field("", max_length=2000, description="Why this change (required to save).")


class EntriesIn(BaseModel):
    values: list[str] = Field(min_length=1, max_length=10_000)
    reason: str = Field(max_length=2000)


def version_dict(v: RulesetVersion) -> dict[str, Any]:
    return {
        "id": v.id,
        "number": v.number,
        "status": v.status,
        "digest": v.digest,
        "reason": v.reason,
        "author_id": v.author_id,
        "created_at": v.created_at.isoformat(),
        "activated_at": v.activated_at.isoformat() if v.activated_at else None,
    }


def entry_dict(e: ListEntry) -> dict[str, Any]:
    return {"id": e.id, "list": e.list_name, "value": e.value, "reason": e.reason, "added_at": e.added_at.isoformat()}


@router.post("/rulesets/check")
def check_ruleset(body: RulesetIn, session: SessionDep, _caller: RuleEditor) -> dict[str, Any]:
    """Check without saving: ``ok`` with the rule names, or the first error with rule, line and column."""
    try:
        compiled = rules.check_source(session, body.source)
    except RuleError as err:
        return {"ok": False, "error": {"message": str(err), **err.detail}}
    return {"ok": True, "rules": [r.name for r in compiled.rules], "features": list(compiled.feature_names)}


@router.get("/rulesets")
def list_rulesets(session: SessionDep, _caller: DecisionReader) -> list[dict[str, Any]]:
    return [version_dict(v) for v in rules.list_versions(session)]


@router.post("/rulesets", status_code=201, responses=error_schema(InvalidInput))
def save_ruleset(body: RulesetIn, session: SessionDep, caller: RuleEditor) -> dict[str, Any]:
    """Save a checked draft version (never live until activated)."""
    return version_dict(rules.save_version(session, source=body.source, reason=body.reason, author=caller))


@router.get("/rulesets/{version_id}", responses=error_schema(NotFound))
def read_ruleset(version_id: int, session: SessionDep, _caller: DecisionReader) -> dict[str, Any]:
    v = rules.get_version(session, version_id)
    return {
        **version_dict(v),
        "source": v.source,
        "rules": [
            {"name": p.name, "owner_id": p.owner_id, "reason": p.change_reason, "changed_in": p.changed_in}
            for p in rules.provenance(session, v.id)
        ],
    }


@router.post("/rulesets/{version_id}/activate", responses=error_schema(NotFound, Conflict, InvalidInput))
def activate_ruleset(version_id: int, request: Request, session: SessionDep, caller: RuleEditor) -> dict[str, Any]:
    """Make this version live; the runtime switches between two batches once this is stored."""
    version = rules.activate(session, version_id, actor=caller)
    publish_rulesets(session, runtime_of(request))
    return version_dict(version)


@router.post("/rulesets/{version_id}/shadow", responses=error_schema(NotFound, Conflict, InvalidInput))
def shadow_ruleset(version_id: int, request: Request, session: SessionDep, caller: RuleEditor) -> dict[str, Any]:
    """Decide every new event with this version too, without acting on it; see ``/api/shadow``."""
    version = rules.set_shadow(session, version_id, actor=caller)
    publish_rulesets(session, runtime_of(request))
    assert version is not None
    return version_dict(version)


@router.delete("/rulesets/shadow")
def stop_shadow(request: Request, session: SessionDep, caller: RuleEditor) -> dict[str, Any]:
    rules.set_shadow(session, None, actor=caller)
    publish_rulesets(session, runtime_of(request))
    return {"shadow": None}


@router.get("/shadow")
def shadow_report(request: Request, _caller: DecisionReader) -> dict[str, Any]:
    """How the shadow version's decisions differ from the live ones, with the newest differing events."""
    journal = Journal(runtime_of(request).path, readonly=True)
    try:
        counts, rows = journal.shadow_differences()
    finally:
        journal.close()
    return {
        "counts": [{"live": a, "shadow": b, "events": n} for (a, b), n in sorted(counts.items())],
        "differences": [
            {"seq": r[0], "tenant": r[1], "event_id": r[2], "type": r[3], "live": r[4], "shadow": r[5]} for r in rows
        ],
    }


def run_backtest(session: Session, journal_path, ruleset_source: str, version: str | None = None) -> dict[str, Any]:
    """Backtest a ruleset over the whole journal (event-time order) against the lists and known-bad accounts."""
    compiled = compile_ruleset(ruleset_source, catalog=rules.catalog(session), version=version)
    lists = rules.all_lists(session)
    journal = Journal(journal_path, readonly=True)
    try:
        rows = ((event_from_json(text), live) for text, live in journal.events_in_time_order())
        report = backtest(rows, compiled, lists=lists, known_bad=lists.get("block_accounts", ()))
    finally:
        journal.close()
    return report.to_dict()


@router.post("/rulesets/backtest", responses=error_schema(InvalidInput))
def backtest_source(body: RulesetIn, request: Request, session: SessionDep, _caller: RuleEditor) -> dict[str, Any]:
    """Backtest unsaved rules over all stored events: decisions by action, per rule, per day, and vs live."""
    return run_backtest(session, runtime_of(request).path, body.source)


@router.get("/lists")
def read_lists(session: SessionDep, _caller: DecisionReader, name: str | None = None) -> dict[str, Any]:
    return {
        "standard": sorted(rules.STANDARD_LISTS),
        "entries": [entry_dict(e) for e in rules.entries(session, name)],
    }


@router.post("/lists/{name}", status_code=201, responses=error_schema(InvalidInput))
def add_to_list(name: str, body: EntriesIn, request: Request, session: SessionDep, caller: ListEditor):
    added = rules.add_entries(session, list_name=name, values=body.values, reason=body.reason, actor=caller)
    publish_list(session, runtime_of(request), name)
    return {"added": [entry_dict(e) for e in added]}


@router.delete("/lists/entries/{entry_id}", responses=error_schema(NotFound))
def remove_from_list(entry_id: int, request: Request, session: SessionDep, caller: ListEditor) -> dict[str, Any]:
    entry = rules.remove_entry(session, entry_id, actor=caller)
    publish_list(session, runtime_of(request), entry.list_name)
    return {"removed": entry_dict(entry)}
