"""The key file: created once with owner-only permissions, read back, overridden by ANXIN_KEYS."""

from __future__ import annotations

import stat

import pytest

from anxin.privacy.crypto import KeyRing
from anxin.privacy.keyfile import load_key_ring, save_key_ring


def test_created_on_first_use_then_reused(tmp_path):
    path = tmp_path / "var" / "keys.json"
    first = load_key_ring(key_file=path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_key_ring(key_file=path)
    assert again.open(first.seal("x", context="c"), context="c") == "x"


def test_environment_wins_and_missing_file_can_be_an_error(tmp_path):
    ring = KeyRing.generate("env1")
    assert load_key_ring(key_file=tmp_path / "none.json", keys_json=ring.to_json()).active == "env1"
    with pytest.raises(FileNotFoundError):
        load_key_ring(key_file=tmp_path / "none.json", create=False)


def test_save_replaces_atomically(tmp_path):
    path = tmp_path / "keys.json"
    ring = load_key_ring(key_file=path)
    save_key_ring(ring.rotate("k2"), path)
    assert load_key_ring(key_file=path).key_ids == ["k1", "k2"]
    assert not (tmp_path / "keys.tmp").exists()
