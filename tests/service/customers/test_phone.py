"""A customer's phone number: normalised for the blind index, and every refusal names the field it came from."""

from __future__ import annotations

import pytest

from anxin.errors import InvalidInput
from anxin.service.customers.service import customer_phone


def test_mobiles_and_landlines_are_normalised():
    assert customer_phone("138 0013 8000") == customer_phone("+86 13800138000")
    assert customer_phone("0571-87000000").startswith("+86571")


@pytest.mark.parametrize("raw", ["", "abc", "400-1865-909"])
def test_what_is_not_a_persons_number_is_refused_at_the_phone_field(raw):
    with pytest.raises(InvalidInput) as refused:
        customer_phone(raw)
    assert refused.value.detail["field"] == "phone" and refused.value.message_zh
