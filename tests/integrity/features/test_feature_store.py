"""FeatureStore: specs render as rules spell them; snapshot bytes restore every kind of feature."""

from __future__ import annotations

import pytest

from anxin.integrity.features import FeatureSpec, FeatureStore


def test_snapshot_restores_every_kind_and_continues_identically():
    specs = [
        FeatureSpec("count", ("order_placed",), "actor", 60_000),
        FeatureSpec("sum", ("order_paid",), "shop", 86_400_000, "amount"),
        FeatureSpec("distinct", ("login",), "device", 3_600_000, "actor"),
        FeatureSpec("spike", ("order_placed",), "shop", 3_600_000),
    ]
    store = FeatureStore(exact_limit=20)
    for i in range(3_000):
        for s in specs:
            f = store.feature(s)
            t = 1_767_225_600_000 + i * 7_919
            f.add(f"t|k{i % 3}", t, f"acct-{i % 97}" if s.kind == "distinct" else i % 5)
    blob = store.snapshot()
    assert isinstance(blob, bytes)
    again = FeatureStore.restore(blob)
    assert again.specs() == store.specs()
    t = 1_767_225_600_000 + 3_000 * 7_919
    for s in specs:
        for k in ("t|k0", "t|k1", "t|k9"):
            val = "acct-x" if s.kind == "distinct" else 3
            assert again.feature(s).add(k, t, val) == store.feature(s).add(k, t, val)
    mem = store.memory_bytes()
    assert set(mem) == {s.name for s in specs} and all(b > 0 for _, b in mem.values())


def test_names_and_validation():
    assert FeatureSpec("sum", ("order_paid", "refund"), "shop", 86_400_000, "amount").name == (
        "sum([order_paid, refund], amount, by=shop, window=1d)"
    )
    assert FeatureSpec("spike", (), "item", 3_600_000).name == "spike(any, by=item, bucket=1h)"
    with pytest.raises(ValueError, match="between 1m and 30d"):
        FeatureSpec("count", (), "actor", 1_000)
    with pytest.raises(ValueError, match="field"):
        FeatureSpec("sum", (), "actor", 60_000)
    with pytest.raises(ValueError, match="snapshot"):
        FeatureStore.restore(b"garbage")
