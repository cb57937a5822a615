"""Evidence bundles: an intact bundle verifies; any changed, added or removed byte is named."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.cases.bundle import BundleItem, verify, write_bundle

ITEMS = [
    BundleItem("findings/finding-1.json", b'{"label": "ring_member"}', "finding"),
    BundleItem("events/ring-00.jsonl", b'{"event_id": "a"}\n{"event_id": "b"}', "events"),
    BundleItem("notes.json", b"[]", "notes"),
]


def make(tmp_path):
    out = tmp_path / "case.zip"
    digest = write_bundle(out, case={"id": 7}, items=ITEMS, summary_html="<p>摘要</p>", created_at="2026-11-24")
    return out, digest


def rewrite(src, dst, *, change=None, drop=None, add=None):
    """Copy a ZIP member by member, changing, dropping or adding one, as a forger would."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for name in old.namelist():
            if name == drop:
                continue
            data = old.read(name)
            if change and name == change[0]:
                data = change[1](data)
            new.writestr(name, data)
        if add:
            new.writestr(*add)
    return dst


def test_an_intact_bundle_verifies_with_its_hash(tmp_path):
    out, digest = make(tmp_path)
    result = verify(out, expected_hash=digest)
    assert result.ok and result.bundle_sha256 == digest
    assert not verify(out, expected_hash="0" * 64).ok


@settings(max_examples=30, deadline=None)
@given(member=st.sampled_from([i.path for i in ITEMS] + ["summary.html"]), position=st.integers(0, 10_000))
def test_changing_any_byte_of_any_item_is_named(tmp_path_factory, member, position):
    tmp_path = tmp_path_factory.mktemp("b")
    out, _digest = make(tmp_path)

    def flip(data: bytes) -> bytes:
        i = position % len(data)
        return data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]

    result = verify(rewrite(out, tmp_path / "forged.zip", change=(member, flip)))
    assert not result.ok and result.altered == [member]


def test_added_and_missing_files_are_named(tmp_path):
    out, _digest = make(tmp_path)
    added = verify(rewrite(out, tmp_path / "a.zip", add=("events/extra.jsonl", b"{}")))
    assert added.added == ["events/extra.jsonl"] and not added.ok
    missing = verify(rewrite(out, tmp_path / "m.zip", drop="notes.json"))
    assert missing.missing == ["notes.json"] and not missing.ok


def test_a_forged_manifest_changes_the_bundle_hash(tmp_path):
    out, digest = make(tmp_path)

    def forge(manifest: bytes) -> bytes:
        return manifest.replace(b'"id": 7', b'"id": 8')

    forged = verify(rewrite(out, tmp_path / "f.zip", change=("manifest.json", forge)))
    assert not forged.ok and "manifest.json was edited" in forged.problems[0]
    edited = rewrite(out, tmp_path / "e.zip", change=("notes.json", lambda _d: b'["added later"]'))
    assert verify(edited).altered == ["notes.json"]
    assert not verify(out, expected_hash=digest[::-1]).ok


def test_unreadable_input_is_a_problem_not_a_crash(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert "not a readable ZIP" in verify(junk).problems[0]
    with pytest.raises(ValueError, match="unique"):
        write_bundle(tmp_path / "x.zip", case={}, items=[ITEMS[0], ITEMS[0]], summary_html="", created_at="")
