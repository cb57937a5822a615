"""A case opened from a detector's finding exports a bundle that verifies, and fails after one changed byte."""

from __future__ import annotations

import json
import zipfile

from typer.testing import CliRunner

from anxin.cli import app as cli
from anxin.demo.integrity import RING_SIZE, ring_events
from anxin.integrity.cases import service as cases
from anxin.integrity.findings import service as findings
from anxin.integrity.journal import DecisionRuntime
from anxin.integrity.rules.language import compile_ruleset
from anxin.integrity.server.live import journal_path

T0 = 1767225600000


def test_export_and_verify_through_the_cli(settings, db, demo, principal, tmp_path):
    journal = journal_path(settings)
    runtime = DecisionRuntime(journal, compile_ruleset(""))
    runtime.start()
    runtime.decide(sorted(ring_events(T0), key=lambda e: e.time_ms))
    runtime.close()
    analyst = principal("risk")
    findings.run_detector(db, journal=journal, detector="rings", tenant=None, actor=analyst)
    [finding] = findings.list_findings(db)
    case = cases.open_from_finding(db, finding.id, actor=analyst)
    assert cases.open_from_finding(db, finding.id, actor=analyst).id == case.id  # one case per finding
    cases.add_note(db, case.id, text="已联系平台核实支付记录", actor=analyst)
    db.commit()
    assert findings.get_finding(db, finding.id).status == "confirmed"

    env = {"ANXIN_DATABASE_URL": settings.resolved_database_url, "ANXIN_DATA_DIR": str(settings.data_dir)}
    runner = CliRunner()
    listed = runner.invoke(cli, ["cases", "list", "--json"], env=env)
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["id"] == case.id
    bundle = tmp_path / "case.zip"
    exported = runner.invoke(cli, ["evidence", "export", str(case.id), str(bundle)], env=env)
    assert exported.exit_code == 0, exported.output
    digest = exported.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        events = archive.read("events/ring-00.jsonl").decode().splitlines()
        summary = archive.read("summary.html").decode()
    assert f"findings/finding-{finding.id}.json" in names and len(names) == 3 + RING_SIZE + 1
    assert len(events) == 3 and json.loads(events[0])["actor"] == "ring-00"
    assert "证据包" in summary and "已联系平台核实支付记录" in summary

    intact = runner.invoke(cli, ["evidence", "verify", str(bundle), "--expect", digest], env=env)
    assert intact.exit_code == 0 and "intact" in intact.output
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as old, zipfile.ZipFile(tampered, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            new.writestr(name, data.replace(b"ring-05", b"ring-55") if name == "events/ring-05.jsonl" else data)
    broken = runner.invoke(cli, ["evidence", "verify", str(tampered), "--expect", digest], env=env)
    assert broken.exit_code == 1 and "altered" in broken.output and "events/ring-05.jsonl" in broken.output
