"""Evidence bundles: a case's items in one ZIP with a SHA-256 manifest, and the check that proves it unaltered.

Problem: evidence handed to law enforcement must show that nothing was changed
after export, and if something was, exactly what. A bundle holds every item as
its own file, ``manifest.json`` listing each file's SHA-256 and size, and
``summary.html`` (Chinese) that an officer can read without tools. The
*bundle hash* is the SHA-256 of the canonical manifest (case, time, every
item's hash); the export
prints it so it can be written into the hand-over record: a forger who edits an
item *and* the manifest changes the bundle hash too.

:func:`verify` names every altered, added and missing file; with
``expected_hash`` it also proves the manifest itself is the one handed over.

Pure: files in, bytes out; no database, no clock (the caller passes the time).

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "case-1.zip"
>>> digest = write_bundle(out, case={"id": 1, "title": "t"}, items=[BundleItem("items/a.json", b"{}", "finding")],
...                       summary_html="<p>摘要</p>", created_at="2026-11-24T10:00:00+08:00")
>>> verify(out).ok, verify(out).bundle_sha256 == digest
(True, True)
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

MANIFEST = "manifest.json"
SUMMARY = "summary.html"
FORMAT = "anxin-evidence/1"


class BundleItem(NamedTuple):
    """One file of the bundle: its path inside the ZIP, its bytes, and what it is (finding, events, note…)."""

    path: str
    content: bytes
    kind: str


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _bundle_hash(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest's canonical JSON without its own hash: case, time and every item's hash."""
    body = {k: v for k, v in manifest.items() if k != "bundle_sha256"}
    body["items"] = sorted(body.get("items", []), key=lambda e: e["path"])
    return _sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


def write_bundle(
    out: Path, *, case: dict[str, Any], items: list[BundleItem], summary_html: str, created_at: str
) -> str:
    """Write the ZIP and return the bundle hash. Raises ValueError on duplicate or reserved item paths."""
    paths = [i.path for i in items]
    if len(set(paths)) != len(paths) or {MANIFEST, SUMMARY} & set(paths):
        raise ValueError("item paths must be unique and not manifest.json or summary.html")
    summary = summary_html.encode()
    entries = [{"path": i.path, "kind": i.kind, "size": len(i.content), "sha256": _sha256(i.content)} for i in items]
    entries.append({"path": SUMMARY, "kind": "summary", "size": len(summary), "sha256": _sha256(summary)})
    manifest: dict[str, Any] = {"format": FORMAT, "case": case, "created_at": created_at, "items": entries}
    digest = manifest["bundle_sha256"] = _bundle_hash(manifest)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr(SUMMARY, summary)
        for item in items:
            archive.writestr(item.path, item.content)
    return digest


@dataclass
class Verification:
    """What :func:`verify` found: the bundle hash and every problem, by file."""

    bundle_sha256: str | None = None
    altered: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.altered or self.added or self.missing or self.problems)


def verify(bundle: Path, *, expected_hash: str | None = None) -> Verification:
    """Recompute every hash of ``bundle``; an unreadable file or manifest is a problem, not an exception."""
    result = Verification()
    try:
        archive = zipfile.ZipFile(bundle)
    except (OSError, zipfile.BadZipFile) as exc:
        result.problems.append(f"not a readable ZIP bundle: {exc}")
        return result
    with archive:
        names = set(archive.namelist())
        try:
            manifest = json.loads(archive.read(MANIFEST))
            entries = manifest["items"]
        except (KeyError, ValueError) as exc:
            result.problems.append(f"manifest.json missing or unreadable: {exc}")
            return result
        result.bundle_sha256 = _bundle_hash(manifest)
        if manifest.get("bundle_sha256") != result.bundle_sha256:
            result.problems.append("manifest.json was edited: it no longer matches its recorded bundle hash")
        if expected_hash is not None and expected_hash != result.bundle_sha256:
            result.problems.append(f"bundle hash {result.bundle_sha256} is not the expected {expected_hash}")
        listed = set()
        for entry in entries:
            path = entry["path"]
            listed.add(path)
            if path not in names:
                result.missing.append(path)
                continue
            try:
                data = archive.read(path)
            except (zipfile.BadZipFile, OSError) as exc:  # a corrupted member fails its CRC check
                result.altered.append(path)
                result.problems.append(f"{path}: {exc}")
                continue
            if _sha256(data) != entry["sha256"] or len(data) != entry["size"]:
                result.altered.append(path)
        result.added = sorted(names - listed - {MANIFEST})
    return result
