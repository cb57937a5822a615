"""The app's live decision runtime: started in the lifespan from the stored ruleset, lists, labels and journal.

One process owns a journal (a lock file says so), so the CLI's bulk import
either runs while no server does, or sends its events to the server's API.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from anxin.config import Settings
from anxin.integrity.findings import service as findings
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules import service as rules
from anxin.integrity.rules.language import CompiledRuleset
from anxin.integrity.rules.language.checker import score_key
from anxin.integrity.scorer import service as scorer
from anxin.integrity.streams.gateway import StreamGateway
from anxin.integrity.streams.log import log_of
from anxin.store.db import after_commit, unit_of_work


def journal_path(settings: Settings) -> Path:
    return settings.data_dir / "integrity" / "journal.sqlite3"


def start_runtime(settings: Settings, factory: sessionmaker[Session]) -> DecisionRuntime | StreamGateway:
    """A running runtime with the active ruleset (allow-all if none), the shadow version, lists, labels, scores.

    With ``ANXIN_DECISIONS=workers`` the events go to the decision workers' log instead (no journal is opened,
    so several server processes can run).
    """
    if settings.decisions == "workers":

        def live() -> CompiledRuleset:
            with unit_of_work(factory) as session:
                return rules.compiled(session, rules.with_status(session, "active"))

        return StreamGateway(log_of(settings), live, journal_path(settings))
    with unit_of_work(factory) as session:
        live = rules.compiled(session, rules.with_status(session, "active"))
        shadow_version = rules.with_status(session, "shadow")
        shadow = rules.compiled(session, shadow_version) if shadow_version is not None else None
        lists = rules.all_lists(session)
        labels = {**findings.labels(session), **{score_key(n): s for n, s in scorer.active_scores(session).items()}}
    runtime = DecisionRuntime(journal_path(settings), live, lists=lists, labels=labels, shadow=shadow)
    runtime.start()
    return runtime


def runtime_of(request: Request) -> DecisionRuntime | StreamGateway:
    return request.app.state.decisions


def publish_rulesets(session: Session, runtime: DecisionRuntime | StreamGateway) -> None:
    """After this transaction commits, give the runtime the stored live and shadow versions."""
    live = rules.compiled(session, rules.with_status(session, "active"))
    shadow_version = rules.with_status(session, "shadow")
    shadow = rules.compiled(session, shadow_version) if shadow_version is not None else None

    def apply() -> None:
        runtime.activate(live)
        runtime.set_shadow(shadow)

    after_commit(session, apply)


def publish_labels(session: Session, runtime: DecisionRuntime | StreamGateway) -> None:
    """After this transaction commits, give the runtime the labels of the current findings."""
    labels = findings.labels(session)

    def apply() -> None:
        for name, accounts in labels.items():
            runtime.set_labels(name, accounts)

    after_commit(session, apply)


def publish_scores(session: Session, runtime: DecisionRuntime | StreamGateway, name: str) -> None:
    """After this transaction commits, give the runtime the active version's scores of model ``name``."""
    scores = scorer.active_scores(session).get(name, {})
    after_commit(session, lambda: runtime.set_scores(name, scores))


def publish_list(session: Session, runtime: DecisionRuntime | StreamGateway, list_name: str) -> None:
    """After this transaction commits, give the runtime the list's stored values."""
    values = rules.list_values(session, list_name)
    after_commit(session, lambda: runtime.set_list(list_name, values))
