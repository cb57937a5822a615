"""Blind index: deterministic per key and column, different across keys and columns."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.privacy.blind_index import BlindIndex

A, B = BlindIndex(b"a" * 32), BlindIndex(b"b" * 32)


@given(st.text(min_size=1, max_size=40))
def test_deterministic_and_keyed(value):
    assert A.digest(value, context="c") == A.digest(value, context="c")
    assert A.digest(value, context="c") != B.digest(value, context="c")


def test_no_collisions_over_a_block_of_mobile_numbers():
    digests = {A.digest(f"+86138{n:08d}", context="customers.phone") for n in range(20_000)}
    assert len(digests) == 20_000


def test_short_keys_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        BlindIndex(b"short")
