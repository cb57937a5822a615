"""The ``anxin`` command as a user runs it: a real subprocess on a real database file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from anxin.demo.tickets import demo_customers
from anxin.privacy.keyfile import load_key_ring
from anxin.store.db import make_engine

ANXIN = str(Path(sys.executable).parent / "anxin")
REPO = Path(__file__).resolve().parents[2]


HANG_GUARD_SECONDS = 600
"""Only a guard against a hung command: each import costs ~4 s, and on a loaded 2-core CI machine a command that
takes 7 s alone (``scorer evaluate``) once took over 120 s."""


def run(*args: str, input: str | None = None, cwd: Path = REPO, env: dict[str, str] | None = None):
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [ANXIN, *args], capture_output=True, text=True, input=input, cwd=cwd, timeout=HANG_GUARD_SECONDS, env=merged
    )


def test_help_explains_every_command():
    out = run("--help").stdout
    for command in ("serve", "demo", "bench", "db", "users"):
        assert command in out


def test_demo_into_a_chosen_file_prints_only_json(tmp_path):
    result = run("demo", "--db", str(tmp_path / "demo.db"), "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {x["role"] for x in payload["logins"]} >= {"consumer", "platform_admin", "technician"}
    assert payload["integrator_key"].startswith("ak_")
    # running it again gives a fresh database, not a clash with the old rows
    again = run("demo", "--db", str(tmp_path / "demo.db"), "--json")
    assert again.returncode == 0, again.stderr


def test_users_create_and_clear_errors(tmp_path):
    db = str(tmp_path / "users.db")
    assert run("db", "upgrade", "--db", db).returncode == 0
    ok = run("users", "create", "boss", "--role", "platform_admin", "--password", "long-enough-pw", "--db", db)
    assert ok.returncode == 0, ok.stderr
    dup = run("users", "create", "boss", "--role", "consumer", "--password", "long-enough-pw", "--db", db)
    assert dup.returncode == 2 and "taken" in dup.stderr
    no_brand = run(
        "users", "create", "a1", "--role", "agent", "--password", "long-enough-pw", "--brand", "x", "--db", db
    )
    assert no_brand.returncode == 2 and "no brand" in no_brand.stderr


def test_bench_lists_and_refuses_unknown_names():
    listing = run("bench", "--list")
    assert listing.returncode == 0, listing.stderr
    unknown = run("bench", "no-such-benchmark")
    assert unknown.returncode == 2 and "unknown benchmark" in unknown.stderr


@pytest.mark.parametrize("name", ["resolver", "scanner", "engine"])
def test_bench_json_is_one_object(name):
    result = run("bench", name, "--quick", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"name", "figures", "baseline"} and payload["figures"]


def test_hotline_check_on_the_demo_database(tmp_path):
    db = str(tmp_path / "demo.db")
    assert run("demo", "--db", db, "--json").returncode == 0
    fake = run("hotline", "check", "400-1865-909", "--brand", "索立捷", "--json", "--db", db)
    assert fake.returncode == 1, fake.stderr
    payload = json.loads(fake.stdout)
    assert payload["verdict"] == "not_registered" and payload["fake_reports"] >= 1
    real = run("hotline", "check", "4000001234", "--brand", "安途智能锁", "--db", db)
    assert real.returncode == 0 and "verified" in real.stdout
    bad = run("hotline", "check", "400-XXX-XXXX", "--db", db)
    assert bad.returncode == 2 and "placeholder" in bad.stderr


def test_regions_resolve_reads_stdin_as_json_lines():
    result = run("regions", "resolve", "--json", input="渭南市大荔县、朝阳区\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["code"] for x in lines] == ["610523", None]
    assert set(lines[1]) >= {"input", "code", "path", "level", "flags", "candidates"}


SEED = REPO.parent / "shared" / "seeds" / "fake-hotline-page-1.txt"


def test_scan_seed_page_as_json(tmp_path):
    result = run("scan", "--json", "--db", str(tmp_path / "scan.db"), str(SEED))
    assert result.returncode == 0, result.stderr
    [page] = [json.loads(line) for line in result.stdout.splitlines()]
    assert page["verdict"] == "impersonation" and "+864001865909" in page["numbers"]
    assert set(page) >= {"source", "verdict", "score", "reasons", "numbers", "brands"}


def test_scan_folder_with_bad_files_goes_on_and_stores(tmp_path):
    pages = tmp_path / "crawl"
    pages.mkdir()
    (pages / "seed.txt").write_bytes(SEED.read_bytes())
    (pages / "empty.html").write_bytes(b"")
    (pages / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (pages / "gbk.html").write_bytes("<meta charset=utf-8><p>德施曼智能锁售后服务热线 400-1865-909</p>".encode("gbk"))
    db = str(tmp_path / "scan.db")
    result = run("scan", "--json", "--store", "--db", db, str(pages))
    assert result.returncode == 0, result.stderr
    by_name = {Path(p["source"]).name: p for p in map(json.loads, result.stdout.splitlines())}
    assert set(by_name) == {"seed.txt", "empty.html", "binary.bin", "gbk.html"}
    assert by_name["seed.txt"]["verdict"] == "impersonation"
    assert by_name["binary.bin"]["verdict"] == "error" and by_name["binary.bin"]["error"]
    assert "德施曼" in by_name["gbk.html"]["brands"]  # decoded despite the wrong charset declaration
    assert "stored" in result.stderr
    table = run("scan", "--db", db, str(pages))
    assert table.returncode == 0 and "impersonation" in table.stdout and "summary" in table.stdout


def test_key_rotation_reseals_everything_and_retires_the_old_key(tmp_path):
    env = {"ANXIN_DATA_DIR": str(tmp_path / "var")}
    db = str(tmp_path / "demo.db")
    assert run("demo", "--db", db, "--json", env=env).returncode == 0
    before = run("keys", "status", "--db", db, env=env)
    # 40 customers × 2 + 40 tickets × 2 + the demo visit's check-in position + its complaint's text
    assert before.returncode == 0 and "k1 (active): 162 values" in before.stdout
    rotated = run("keys", "rotate", "--new-id", "k2", "--batch", "7", "--db", db, env=env)
    assert rotated.returncode == 0 and "re-sealed 162 values" in rotated.stderr, rotated.stderr
    after = run("keys", "status", "--db", db, env=env).stdout
    assert "k1: 0 values" in after and "k2 (active): 162 values" in after
    assert run("keys", "retire", "k1", "--db", db, env=env).returncode == 0
    refused = run("keys", "retire", "k2", "--db", db, env=env)
    assert refused.returncode == 2 and "still sealed" in refused.stderr
    ring = load_key_ring(key_file=tmp_path / "var" / "keys.json", create=False)
    assert ring.key_ids == ["k2"]
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        phones = [
            ring.open(t, context="customers.phone")
            for (t,) in conn.exec_driver_sql("SELECT phone_sealed FROM customers")
        ]
    engine.dispose()
    assert {p.removeprefix("+86") for p in phones} == {c.phone for c in demo_customers(40)}


def test_scorer_evaluate_prints_json_figures_and_names_bad_input(tmp_path):
    rows = ["id,signal,noise"] + [
        f"u{i},{(i % 10 == 0) * 2 + (i * 7919 % 13) / 13:.3f},{i * 31 % 17}" for i in range(400)
    ]
    (tmp_path / "f.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = ["id,label"] + [f"u{i},{int(i % 10 == 0)}" for i in range(400)]
    (tmp_path / "l.csv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    ok = run("scorer", "evaluate", "--features", str(tmp_path / "f.csv"), "--labels", str(tmp_path / "l.csv"),
             "--train-frac", "0.5", "--seed", "3", "--splits", "2", "--json")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    figures = json.loads(ok.stdout)
    assert figures["auroc"] > 0.9 and set(figures) >= {"auroc", "auprc", "recall_at_k"}
    (tmp_path / "e.csv").write_text("src,dst\nu1,ghost\n", encoding="utf-8")
    bad = run("scorer", "evaluate", "--features", str(tmp_path / "f.csv"), "--labels", str(tmp_path / "l.csv"),
              "--edges", str(tmp_path / "e.csv"), "--json")  # fmt: skip
    assert bad.returncode == 2 and "e.csv line 2: id 'ghost' is not in the features file" in bad.stderr
