"""The audit chain on a real database: actions append linked entries; any edit, deletion or reorder is found."""

from __future__ import annotations

from sqlalchemy import delete, update
from typer.testing import CliRunner

from anxin.audit import service as audit
from anxin.audit.models import AuditEntry
from anxin.cli import app as cli
from anxin.integrity.rules import service as rules


def make_entries(db, principal) -> None:
    analyst = principal("risk")
    rules.add_entries(db, list_name="block_devices", values=["d1", "d2"], reason="farm", actor=analyst)
    version = rules.save_version(db, source="rule r when amount > 1 then review", reason="test", author=analyst)
    rules.activate(db, version.id, actor=analyst)
    audit.record(db, actor_id=None, action="test.extra", subject="x:1", detail={"n": 1})
    db.commit()


def test_actions_are_chained_and_verify(db, demo, principal):
    make_entries(db, principal)
    problems, count, head = audit.verify(db)
    assert problems == [] and count == 3 and len(head) == 64
    actions = [e.action for e in reversed(audit.recent(db))]
    assert actions == ["list.add", "rules.activate", "test.extra"]


def test_an_edit_a_deletion_and_a_reorder_are_each_named(db, demo, principal):
    make_entries(db, principal)
    db.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(subject="ruleset:99"))
    db.commit()
    assert audit.verify(db)[0] == ["entry 2: content changed after it was written (rules.activate ruleset:99)"]
    db.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(subject="ruleset:1"))
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    db.commit()
    problems = audit.verify(db)[0]
    assert "entry 3: expected entry 2 here (entries deleted or reordered)" in problems
    assert "entry 3: does not link to the entry before it" in problems


def test_the_cli_exits_1_on_a_broken_chain(settings, db, demo, principal):
    make_entries(db, principal)
    env = {"ANXIN_DATABASE_URL": settings.resolved_database_url, "ANXIN_DATA_DIR": str(settings.data_dir)}
    runner = CliRunner()
    intact = runner.invoke(cli, ["audit", "verify"], env=env)
    assert intact.exit_code == 0 and "intact" in intact.output
    db.execute(update(AuditEntry).where(AuditEntry.seq == 1).values(detail={"values": ["d9"]}))
    db.commit()
    broken = runner.invoke(cli, ["audit", "verify"], env=env)
    assert broken.exit_code == 1 and "entry 1: content changed" in broken.output
