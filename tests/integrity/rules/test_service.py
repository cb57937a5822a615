"""Rules as data: every activation (re-activations too) is a rule change the insider detector lines claims up with."""

from __future__ import annotations

import time

from anxin.integrity.rules import service as rules


def test_every_activation_is_a_rule_change_in_order(db, demo, principal):
    analyst = principal("risk")
    assert rules.change_times(db) == ()
    before = int(time.time() * 1000) - 1_000
    first = rules.save_version(db, source="rule r when amount > 1 then review", reason="v1", author=analyst)
    second = rules.save_version(db, source="rule r when amount > 2 then review", reason="v2", author=analyst)
    for version in (first, second, first):
        rules.activate(db, version.id, actor=analyst)
    db.commit()
    changes = rules.change_times(db)
    assert len(changes) == 3 and list(changes) == sorted(changes)
    assert before <= changes[0] <= int(time.time() * 1000) + 1_000
