"""AES-GCM key ring: round trips, rotation, and every way a sealed value must refuse to open."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.privacy.crypto import DecryptionError, KeyRing

RING = KeyRing.generate("k1")


@given(st.text(max_size=300), st.sampled_from(["customers.phone", "customers.name", "tickets.note"]))
def test_round_trip_any_text(text, context):
    token = RING.seal(text, context=context)
    assert token.isascii() and RING.open(token, context=context) == text


def test_same_value_seals_differently_each_time():
    assert RING.seal("13812345678", context="c") != RING.seal("13812345678", context="c")


def test_value_from_another_column_does_not_open():
    token = RING.seal("13812345678", context="customers.phone")
    with pytest.raises(DecryptionError):
        RING.open(token, context="customers.name")


def test_tampered_value_does_not_open():
    token = RING.seal("浙江省杭州市上城区望江路 18 号", context="a")
    head, body = token.rsplit(".", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(DecryptionError):
        RING.open(f"{head}.{flipped}", context="a")
    with pytest.raises(DecryptionError):
        RING.open("plain text", context="a")


def test_rotation_keeps_old_values_readable_and_retire_needs_reseal_first():
    token = RING.seal("x", context="c")
    rotated = RING.rotate("k2")
    assert rotated.active == "k2" and rotated.needs_reseal(token)
    resealed = rotated.seal(rotated.open(token, context="c"), context="c")
    assert not rotated.needs_reseal(resealed)
    retired = rotated.retire("k1")
    assert retired.open(resealed, context="c") == "x"
    with pytest.raises(DecryptionError, match="retired"):
        retired.open(token, context="c")
    with pytest.raises(ValueError):
        rotated.retire("k2")
    with pytest.raises(ValueError):
        rotated.rotate("k1")


def test_json_round_trip_and_bad_input():
    again = KeyRing.from_json(RING.to_json())
    assert again.open(RING.seal("y", context="c"), context="c") == "y"
    assert again.blind_index_key == RING.blind_index_key
    with pytest.raises(ValueError, match="malformed"):
        KeyRing.from_json('{"active": "k1"}')
    with pytest.raises(ValueError, match="32"):
        KeyRing({"k1": b"short"}, "k1", bytes(32))
