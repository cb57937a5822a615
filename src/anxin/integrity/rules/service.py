"""Ruleset versions and lists: save (checked), activate, shadow, and the catalog of names rules may use.

Services never commit. The live decision runtime is told about a change only
after the request's transaction commits (``anxin.store.db.after_commit``), so
the runtime never runs a version the database does not have.

Every saved version is checked first (syntax and types, with rule, line and
column); a version that does not compile is never stored. Each rule of a
version carries its owner and the reason of the change that last touched its
text, so "who wrote this rule and why" survives later edits of other rules.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.audit.models import AuditEntry
from anxin.auth import service as auth
from anxin.errors import Conflict, InvalidInput, NotFound
from anxin.integrity.detectors import DETECTOR_LABELS
from anxin.integrity.rules.language import Catalog, CompiledRuleset, compile_ruleset, parse_ruleset, unparse
from anxin.integrity.rules.models import ListEntry, RuleProvenance, RulesetVersion
from anxin.integrity.scorer import service as scorer
from anxin.store.base import utcnow

STANDARD_LISTS = frozenset(
    {
        "block_accounts",
        "block_devices",
        "block_ips",
        "block_payments",
        "allow_accounts",
        "allow_ips",
        "vpn_exits",
        "cashback_channels",
    }
)
"""Lists every deployment has (possibly empty), so rules can name them before the first entry."""

MAX_SOURCE_CHARS = 200_000
MAX_LIST_VALUE = 256


def catalog(session: Session) -> Catalog:
    """The list and label names a rule may use: the standard lists, lists with entries, detector labels."""
    names = set(session.scalars(select(ListEntry.list_name).distinct()))
    return Catalog(lists=frozenset(STANDARD_LISTS | names), labels=DETECTOR_LABELS, scores=scorer.active_names(session))


def check_source(session: Session, source: str) -> CompiledRuleset:
    """Compile ``source`` against the current catalog; raises ``RuleError`` (InvalidInput) with position."""
    if len(source) > MAX_SOURCE_CHARS:
        raise InvalidInput(f"a ruleset is at most {MAX_SOURCE_CHARS:,} characters", message_zh="规则集过长")
    return compile_ruleset(source, catalog=catalog(session))


def _rule_texts(source: str) -> dict[str, str]:
    return {d.name: f"{unparse(d.condition)} => {d.action} {d.score} {d.reason!r}" for d in parse_ruleset(source)}


def save_version(session: Session, *, source: str, reason: str, author: auth.Principal) -> RulesetVersion:
    """Check and store a new draft version; rules unchanged since the newest version keep their owner."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("say why you change the rules (reason)", message_zh="请填写修改原因")
    compiled = check_source(session, source)
    number = (session.scalar(select(func.max(RulesetVersion.number))) or 0) + 1
    version = RulesetVersion(
        number=number, source=source, digest=compiled.version, reason=reason, author_id=author.user_id
    )
    session.add(version)
    session.flush()
    previous = {
        p.name: p
        for p in session.scalars(select(RuleProvenance).join(RulesetVersion).where(RulesetVersion.number == number - 1))
    }
    for name, text in _rule_texts(source).items():
        before = previous.get(name)
        kept = before is not None and before.text == text
        session.add(
            RuleProvenance(
                version_id=version.id,
                name=name,
                text=text,
                owner_id=before.owner_id if kept else author.user_id,
                change_reason=before.change_reason if kept else reason,
                changed_in=before.changed_in if kept else number,
            )
        )
    return version


def get_version(session: Session, version_id: int) -> RulesetVersion:
    version = session.get(RulesetVersion, version_id)
    if version is None:
        raise NotFound(f"no ruleset version {version_id}", message_zh=f"没有规则集版本 {version_id}")
    return version


def list_versions(session: Session, *, limit: int = 50) -> list[RulesetVersion]:
    return list(session.scalars(select(RulesetVersion).order_by(RulesetVersion.number.desc()).limit(limit)))


def provenance(session: Session, version_id: int) -> list[RuleProvenance]:
    return list(
        session.scalars(
            select(RuleProvenance).where(RuleProvenance.version_id == version_id).order_by(RuleProvenance.id)
        )
    )


def with_status(session: Session, status: str) -> RulesetVersion | None:
    return session.scalar(select(RulesetVersion).where(RulesetVersion.status == status))


def change_times(session: Session) -> tuple[int, ...]:
    """When a ruleset went live (ms since the epoch), oldest first, from the audit log (re-activations included)."""
    query = select(AuditEntry.at).where(AuditEntry.action == "rules.activate").order_by(AuditEntry.seq)
    return tuple(int(at.replace(tzinfo=at.tzinfo or UTC).timestamp() * 1000) for at in session.scalars(query))


def activate(session: Session, version_id: int, *, actor: auth.Principal) -> RulesetVersion:
    """Make ``version_id`` the live version; the previous live one is retired (still viewable, re-activatable)."""
    version = get_version(session, version_id)
    if version.status == "active":
        raise Conflict(f"version {version.number} is already live", message_zh=f"版本 {version.number} 已在运行")
    check_source(session, version.source)  # a list it names may have been removed since it was saved
    current = with_status(session, "active")
    if current is not None:
        current.status = "retired"
    version.status = "active"
    version.activated_at = utcnow()
    version.activated_by = actor.user_id
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="rules.activate", subject=f"ruleset:{version.number}",
        detail={"digest": version.digest, "reason": version.reason},
    )  # fmt: skip
    return version


def set_shadow(session: Session, version_id: int | None, *, actor: auth.Principal) -> RulesetVersion | None:
    """Run ``version_id`` in shadow beside the live version (``None`` stops shadowing)."""
    current = with_status(session, "shadow")
    if current is not None:
        current.status = "draft"
    if version_id is None:
        session.flush()
        audit.record(session, actor_id=actor.user_id, action="rules.shadow_stop", subject="ruleset:shadow")
        return None
    version = get_version(session, version_id)
    if version.status == "active":
        raise Conflict("the live version cannot also be the shadow", message_zh="运行中的版本不能同时影子运行")
    check_source(session, version.source)
    version.status = "shadow"
    session.flush()
    audit.record(session, actor_id=actor.user_id, action="rules.shadow", subject=f"ruleset:{version.number}")
    return version


def compiled(session: Session, version: RulesetVersion | None) -> CompiledRuleset:
    """The compiled ruleset of a stored version (an empty ruleset, allowing everything, for ``None``)."""
    if version is None:
        return compile_ruleset("")
    return compile_ruleset(version.source, catalog=Catalog(lists=None, labels=None), version=version.digest)


# -- lists ------------------------------------------------------------------------------------------


def _check_list_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c == "_" for c in name):
        raise InvalidInput(
            "a list name uses letters, digits and _ only (at most 64), e.g. block_devices",
            message_zh="名单名称只能包含字母、数字和下划线",
        )
    return name


def add_entries(
    session: Session, *, list_name: str, values: list[str], reason: str, actor: auth.Principal
) -> list[ListEntry]:
    """Add values to a list (values already on it are left as they are); returns the new entries."""
    list_name = _check_list_name(list_name)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("say why these values go on the list (reason)", message_zh="请填写加入名单的原因")
    cleaned = list(dict.fromkeys(v.strip() for v in values if v.strip()))
    if not cleaned:
        raise InvalidInput("no values given", message_zh="没有填写任何值")
    too_long = next((v for v in cleaned if len(v) > MAX_LIST_VALUE), None)
    if too_long is not None:
        raise InvalidInput(f"a list value is at most {MAX_LIST_VALUE} characters: {too_long[:40]}…")
    existing = set(
        session.scalars(select(ListEntry.value).where(ListEntry.list_name == list_name, ListEntry.value.in_(cleaned)))
    )
    added = [
        ListEntry(list_name=list_name, value=v, reason=reason, added_by=actor.user_id)
        for v in cleaned
        if v not in existing
    ]
    session.add_all(added)
    session.flush()
    if added:
        audit.record(
            session, actor_id=actor.user_id, action="list.add", subject=f"list:{list_name}",
            detail={"values": [e.value for e in added], "reason": reason},
        )  # fmt: skip
    return added


def remove_entry(session: Session, entry_id: int, *, actor: auth.Principal) -> ListEntry:
    entry = session.get(ListEntry, entry_id)
    if entry is None:
        raise NotFound(f"no list entry {entry_id}", message_zh=f"没有名单条目 {entry_id}")
    session.delete(entry)
    session.flush()
    audit.record(
        session, actor_id=actor.user_id, action="list.remove", subject=f"list:{entry.list_name}",
        detail={"value": entry.value},
    )  # fmt: skip
    return entry


def list_values(session: Session, list_name: str) -> frozenset[str]:
    return frozenset(session.scalars(select(ListEntry.value).where(ListEntry.list_name == list_name)))


def all_lists(session: Session) -> dict[str, frozenset[str]]:
    """Every list with its values (standard lists included, possibly empty): the runtime's start state."""
    out: dict[str, set[str]] = {name: set() for name in STANDARD_LISTS}
    for name, value in session.execute(select(ListEntry.list_name, ListEntry.value)):
        out.setdefault(name, set()).add(value)
    return {k: frozenset(v) for k, v in out.items()}


def entries(session: Session, list_name: str | None = None, *, limit: int = 500) -> list[ListEntry]:
    query = select(ListEntry).order_by(ListEntry.added_at.desc(), ListEntry.id.desc()).limit(limit)
    if list_name is not None:
        query = query.where(ListEntry.list_name == list_name)
    return list(session.scalars(query))
