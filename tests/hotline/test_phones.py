from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.errors import InvalidInput
from anxin.hotline.phones import extract_phones, fold, normalize_phone

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "fake-hotline-page-1.txt"


def found(text):
    return [(p.raw, p.e164 or p.digits, p.kind) for p in extract_phones(text).numbers]


def test_seed_page_all_ten_occurrences_and_default_matcher_misses_most():
    text = SEED.read_text(encoding="utf-8")
    ours = extract_phones(text).numbers
    assert len(ours) == text.count("400-1865-909") == 10
    assert {p.e164 for p in ours} == {"+864001865909"}
    assert all(p.raw == "400-1865-909" and text[p.start : p.end] == p.raw for p in ours)
    default = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, "CN")]
    assert len(default) <= 2  # libphonenumber's VALID leniency rejects the numbers glued to "(1)" markers
    possible = [
        m.raw_string for m in phonenumbers.PhoneNumberMatcher(text, "CN", leniency=phonenumbers.Leniency.POSSIBLE)
    ]
    assert any(r.startswith("(1)") for r in possible)  # lenient matching keeps the marker in the number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1)400-1865-909(点击咨询)", [("400-1865-909", "+864001865909", "service_400")]),
        ("（２）４００－１８６５－９０９", [("４００－１８６５－９０９", "+864001865909", "service_400")]),
        ("1.4001865909", [("4001865909", "+864001865909", "service_400")]),
        (
            "4006-189123 4006-189-123",
            [("4006-189123", "+864006189123", "service_400"), ("4006-189-123", "+864006189123", "service_400")],
        ),
        ("免费热线800-820-8820", [("800-820-8820", "+868008208820", "toll_free_800")]),
        ("手机 138 0013 8000", [("138 0013 8000", "+8613800138000", "mobile")]),
        ("+86 138-0013-8000", [("+86 138-0013-8000", "+8613800138000", "mobile")]),
        ("座机0755-12345678", [("0755-12345678", "+8675512345678", "landline")]),
        ("(010)12345678", [("(010)12345678", "+861012345678", "landline")]),
        ("0086-10-12345678", [("0086-10-12345678", "+861012345678", "landline")]),
        ("020 1234 5678转801", [("020 1234 5678", "+862012345678", "landline")]),
        ("工商银行95588，反诈96110", [("95588", "95588", "short"), ("96110", "96110", "short")]),
        (
            "4008365315、4006999999",
            [("4008365315", "+864008365315", "service_400"), ("4006999999", "+864006999999", "service_400")],
        ),
        ("2024年4月，150余万元，20个省5000余家，版本2.0", []),
    ],
)
def test_shapes(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "raw", "reason"),
    [
        ("联系方式为400-1616-×××。", "400-1616-×××", "placeholder"),
        ("请拨 400-XXX-XXXX", "400-XXX-XXXX", "placeholder"),
        ("电话62706270", "62706270", "area code"),
        ("聯絡電話:5625 2000", "5625 2000", "area code"),
        ("400-6189-1234", "400-6189-1234", "shape"),
    ],
)
def test_unusable_numbers_are_reported_not_dropped(text, raw, reason):
    result = extract_phones(text)
    assert result.numbers == ()
    assert [r.raw for r in result.rejected] == [raw]
    assert reason in result.rejected[0].reason


def test_markdown_stars_and_prices_are_not_reported():
    assert extract_phones("**1**、价格 1999 元、3. **注意**").rejected == ()


def test_normalize_phone():
    assert normalize_phone("400-186-5909").e164 == "+864001865909"
    assert normalize_phone("４００ １８６５ ９０９").display == "400-186-5909"
    assert normalize_phone("0755-1234-5678").display == "0755-12345678"
    with pytest.raises(InvalidInput, match="no phone number"):
        normalize_phone("索立捷")
    with pytest.raises(InvalidInput, match="several"):
        normalize_phone("4001865909 13800138000")
    with pytest.raises(InvalidInput, match="placeholder"):
        normalize_phone("400-XXX-XXXX")
    with pytest.raises(InvalidInput):
        extract_phones(b"400")  # type: ignore[arg-type]


def test_distinct_keeps_first_occurrence():
    r = extract_phones("4001865909，再拨400-186-5909")
    assert len(r.numbers) == 2 and len(r.distinct()) == 1 and r.distinct()[0].start == 0


def test_fold_keeps_length():
    s = "电话：（０１０）１２３４ ５６７８－"
    assert len(fold(s)) == len(s) and fold(s).endswith("(010)1234 5678-")


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
fullwidth = str.maketrans("0123456789-", "０１２３４５６７８９－")


@given(
    mobiles,
    st.sampled_from(["", " ", "-", "－"]),
    st.sampled_from(["", "(1)", "（2）", "手机:", "1."]),
    st.sampled_from(["", "(点击咨询)", "。", "，谢谢"]),
    st.booleans(),
)
def test_any_mobile_in_any_dress_is_found_with_its_span(number, sep, before, after, wide):
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    if wide:
        written = written.translate(fullwidth)
    text = "客服" + before + written + after
    num = phonenumbers.parse(number, "CN")
    result = extract_phones(text)
    if not phonenumbers.is_valid_number(num):
        assert result.numbers == ()
        return
    assert [p.e164 for p in result.numbers] == ["+86" + number]
    p = result.numbers[0]
    assert text[p.start : p.end] == p.raw == written


@given(st.text(max_size=80))
def test_never_raises_and_spans_index_the_text(text):
    result = extract_phones(text)
    for p in result.numbers:
        assert text[p.start : p.end] == p.raw
        assert p.kind in {"service_400", "toll_free_800", "mobile", "landline", "short"}
    for r in result.rejected:
        assert text[r.start : r.end] == r.raw and r.reason
