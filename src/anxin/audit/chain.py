"""The chain itself, pure: how an entry's hash is computed, and how a sequence of entries is checked.

Problem: an audit log in a database can be edited by whoever holds the
database. Chaining makes every edit, deletion or reordering visible: each
entry's hash covers the previous entry's hash, so changing one entry breaks
every hash after it, and deleting one breaks the link at the gap.
Truncating the newest entries is not visible from the chain alone; the
verification prints the head hash, to be written down or published.

>>> first = entry_hash(GENESIS, 1, "2026-11-24T10:00:00+00:00", 3, "case.open", "case:1", {"finding": 5})
>>> len(first), first == entry_hash(GENESIS, 1, "2026-11-24T10:00:00+00:00", 3, "case.open", "case:1", {"finding": 5})
(64, True)
>>> problems([(1, "2026-11-24T10:00:00+00:00", 3, "case.open", "case:1", {"finding": 5}, GENESIS, first)])
[]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, at: str, actor_id: int | None, action: str, subject: str, detail: Any) -> str:
    body = json.dumps(
        [prev_hash, seq, at, actor_id, action, subject, detail],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def problems(entries: Iterable[tuple[int, str, int | None, str, str, Any, str, str]]) -> list[str]:
    """Every break in ``(seq, at, actor, action, subject, detail, prev_hash, hash)`` rows in seq order."""
    found: list[str] = []
    expected_prev, expected_seq = GENESIS, 1
    for seq, at, actor_id, action, subject, detail, prev_hash, stored in entries:
        if seq != expected_seq:
            found.append(f"entry {seq}: expected entry {expected_seq} here (entries deleted or reordered)")
        if prev_hash != expected_prev:
            found.append(f"entry {seq}: does not link to the entry before it")
        if entry_hash(prev_hash, seq, at, actor_id, action, subject, detail) != stored:
            found.append(f"entry {seq}: content changed after it was written ({action} {subject})")
        expected_prev, expected_seq = stored, seq + 1
    return found
