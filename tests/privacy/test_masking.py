"""Masked display never shows more than the allowed parts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from anxin.privacy.masking import mask_address, mask_name, mask_phone


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mobile_keeps_three_and_four(number):
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]


def test_forms_people_write():
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("0571-87654321") == "057*****4321"
    assert mask_phone("95555") == "*****"


def test_names_and_addresses():
    assert mask_name("王") == "王*"
    assert mask_name("诸葛亮") == "诸葛*"
    assert mask_address("") == "****"
    assert mask_address("广东省中山市南区街道") == "广东省中山市南区街道****"
