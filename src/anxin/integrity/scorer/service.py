"""Train a named scorer model on a platform's tables, keep every version, activate one for the engine.

Training fits on every labelled row and scores every row of the tables
(labelled or not); the scores are stored with the version. Activating a
version makes its scores what rules read as ``model_score(actor, name)``;
the live runtime receives them after the transaction commits
(:func:`anxin.integrity.server.live.publish_scores`). Before fitting, a
held-out check (70 % train, one stratified split) is stored as the version's
``metrics`` so analysts compare versions on the same footing. Services never
commit.
"""

from __future__ import annotations

import re

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.scorer.models import ScorerScore, ScorerVersion
from anxin.integrity.scorer.tables import Tables
from anxin.store.base import utcnow

NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def train(
    session: Session, tables: Tables, *, name: str, reason: str, actor: auth.Principal | None, seed: int = 0
) -> ScorerVersion:
    """A new version of model ``name`` trained on ``tables``, with its held-out metrics and every row's score."""
    if not NAME.match(name):
        raise InvalidInput(f"model name {name!r}: use 2–64 lower-case letters, digits or _, starting with a letter")
    if not reason.strip():
        raise InvalidInput("say why this model is trained (--reason)")
    # LightGBM and scikit-learn (~1 s to import) load when a model is trained, not with every command and
    # server start that only reads scores.
    from anxin.integrity.scorer.evaluate import design, evaluate
    from anxin.integrity.scorer.model import fit

    check = evaluate(tables, train_frac=0.7, seed=seed, splits=1)
    labelled = tables.labelled
    x, names = design(tables, labelled, seed)
    scores = fit(x, tables.labels, labelled, names, seed=seed).predict(x)
    number = (session.scalar(select(func.max(ScorerVersion.number)).where(ScorerVersion.name == name)) or 0) + 1
    version = ScorerVersion(
        name=name,
        number=number,
        rows=len(labelled),
        positives=int(np.nansum(tables.labels)),
        scored=len(tables.ids),
        feature_names=names,
        metrics={k: check[k] for k in ("auroc", "auprc", "recall_at_k", "accuracy")},
        reason=reason.strip()[:500],
        created_by=actor.user_id if actor else None,
    )
    session.add(version)
    session.flush()
    session.execute(
        insert(ScorerScore),
        [
            {"version_id": version.id, "subject": i, "score": round(float(s), 6)}
            for i, s in zip(tables.ids, scores, strict=True)
        ],
    )
    audit.record(
        session, actor_id=version.created_by, action="scorer.train", subject=f"scorer:{name}:{number}",
        detail={"rows": version.rows, "positives": version.positives, "metrics": version.metrics},
    )  # fmt: skip
    return version


def activate(session: Session, version_id: int, *, actor: auth.Principal | None) -> ScorerVersion:
    """Make ``version_id`` the version rules read for its model name; the previous one is retired."""
    version = get_version(session, version_id)
    if version.status == "active":
        raise Conflict(f"{version.name} version {version.number} is already active")
    current = session.scalars(
        select(ScorerVersion).where(ScorerVersion.name == version.name, ScorerVersion.status == "active")
    ).first()
    if current is not None:
        current.status = "retired"
    version.status = "active"
    version.activated_at = utcnow()
    version.activated_by = actor.user_id if actor else None
    session.flush()
    audit.record(
        session, actor_id=version.activated_by, action="scorer.activate",
        subject=f"scorer:{version.name}:{version.number}", detail={"metrics": version.metrics},
    )  # fmt: skip
    return version


def get_version(session: Session, version_id: int) -> ScorerVersion:
    version = session.get(ScorerVersion, version_id)
    if version is None:
        raise NotFound(f"scorer version {version_id} does not exist")
    return version


def versions(session: Session) -> list[ScorerVersion]:
    return list(session.scalars(select(ScorerVersion).order_by(ScorerVersion.name, ScorerVersion.number.desc())))


def active_names(session: Session) -> frozenset[str]:
    """Model names with an active version: what ``model_score()`` may name."""
    return frozenset(session.scalars(select(ScorerVersion.name).where(ScorerVersion.status == "active")))


def active_scores(session: Session) -> dict[str, dict[str, float]]:
    """``{model name: {entity: score}}`` of every active version."""
    rows = session.execute(
        select(ScorerVersion.name, ScorerScore.subject, ScorerScore.score)
        .join(ScorerScore, ScorerScore.version_id == ScorerVersion.id)
        .where(ScorerVersion.status == "active")
    )
    out: dict[str, dict[str, float]] = {}
    for name, subject, score in rows:
        out.setdefault(name, {})[subject] = score
    return out


def score_of(session: Session, version_id: int, subject: str) -> float | None:
    return session.scalar(
        select(ScorerScore.score).where(ScorerScore.version_id == version_id, ScorerScore.subject == subject)
    )
