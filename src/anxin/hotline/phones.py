r"""Find and normalise the phone numbers in Chinese text: 400/800 lines, mobiles, landlines, 95xxx/96xxx.

Problem: fake after-sales pages write the same number many ways — full-width
digits (４００), odd separators (400-1865-909, 400 1865 909, 400.1865.909), list
markers glued on (``(1)400-1865-909``), and several numbers on one line. The
registry and the scanner must see one canonical form per number (E.164,
``+864001865909``) and must not silently lose what does not parse
(``400-XXX-XXXX``, ``400-1616-×××``, a number without its area code): those are
returned as :class:`Rejected` items with a reason.

Method: full-width characters are folded to ASCII one character for one
character (so spans index the original text); runs of digits and separators are
cut into digit groups, and groups are joined greedily into the longest
sequence that has a Chinese number shape (10-digit 400/800, 11-digit mobile,
0-prefixed landline, 5-digit 95/96/12 service number). Every candidate is then
parsed and classified by ``phonenumbers`` (Google's libphonenumber metadata;
results memoised per digit string, since pages repeat their numbers).
``phonenumbers.PhoneNumberMatcher`` with its default leniency finds only 2 of
the 10 numbers on the seed page, and with ``POSSIBLE`` keeps the list marker as
part of the number, hence this front end. Cost: O(len(text)) for the scan plus
one ``phonenumbers.parse`` per candidate.

>>> found = extract_phones("客服专线电话(1)400-1865-909(点击咨询)，手机１３８ ００１３ ８０００，银行95555")
>>> [(p.e164 or p.digits, p.kind) for p in found.numbers]
[('+864001865909', 'service_400'), ('+8613800138000', 'mobile'), ('95555', 'short')]
>>> found.numbers[0].raw, found.numbers[0].start
('400-1865-909', 9)
>>> [(r.raw, r.reason) for r in extract_phones("请拨 400-XXX-XXXX 咨询").rejected]
[('400-XXX-XXXX', 'placeholder digits (X, ×, *) instead of a number')]
>>> normalize_phone("０２０－１２３４５６７８").e164
'+862012345678'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import shortnumberinfo as _short

from anxin.errors import InvalidInput

# Full-width ASCII (U+FF01..FF5E) to ASCII, ideographic space and the dashes pages use to
# hyphen; all one character for one character so that offsets stay valid.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D})
_FOLD.update({0x2015: 0x2D, 0x2212: 0x2D, 0xFE63: 0x2D, 0x00A0: 0x20, 0x30FC: 0x2D})

# A run of digits, separators and placeholders (X, ×, *: 400-XXX-XXXX must be seen to be
# reported), five characters at least: no number or placeholder number is shorter than 95555,
# and pages are full of shorter runs (dates, prices, list numbers). A plain character class
# keeps the scan fast; the +86 prefix and an opening bracket before the run are looked up by hand.
_RUN = re.compile(r"[0-9][0-9 \-.()\[\]/Xx×*]{4,}")
_PLUS86 = re.compile(r"\+\s?86[\s-]?$")
_GLUED = frozenset(".")  # a run right after a dot is a decimal or version, not a number
_GROUP = re.compile(r"\d+|[Xx×*]+")
_MARKER = re.compile(r"^[(\[](\d{1,2})[)\]]|^(\d{1,2})[.、)]")
# Words that announce a number, simplified and traditional (many pages are served in 繁體).
_PHONE_WORDS = re.compile(
    r"电话|電話|热线|熱線|客服|拨打|撥打|致电|致電|联系|聯繫|聯絡|号码|號碼|手机|手機|座机|座機|咨询|諮詢|咨詢"
    r"|服务|服務|投诉|投訴|tel|Tel|TEL"
)

KINDS = ("service_400", "toll_free_800", "mobile", "landline", "short")


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """One number found in a text.

    ``digits`` is the national form (4001865909, 13800138000, 02012345678, 95555);
    ``e164`` is None only for short service numbers, which have no E.164 form.
    ``start``/``end`` index the original text, around ``raw``.
    """

    raw: str
    start: int
    end: int
    digits: str
    e164: str | None
    kind: str

    @property
    def display(self) -> str:
        """The way Chinese pages and people write it: 400-186-5909, 138-0013-8000, 020-12345678."""
        d = self.digits
        if self.kind in ("service_400", "toll_free_800"):
            return f"{d[:3]}-{d[3:6]}-{d[6:]}"
        if self.kind == "mobile":
            return f"{d[:3]}-{d[3:7]}-{d[7:]}"
        if self.kind == "landline":
            area = 3 if d[1] in "12" else 4
            return f"{d[:area]}-{d[area:]}"
        return d


@dataclass(frozen=True, slots=True)
class Rejected:
    """Text that looks like a phone number but is not one we can use, and why."""

    raw: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class PhoneExtraction:
    """Numbers in text order (repeats kept, so callers can count them) and what was rejected."""

    numbers: tuple[PhoneNumber, ...]
    rejected: tuple[Rejected, ...]

    def distinct(self) -> list[PhoneNumber]:
        """First occurrence of each number, by its canonical form."""
        seen: dict[str, PhoneNumber] = {}
        for p in self.numbers:
            seen.setdefault(p.e164 or p.digits, p)
        return list(seen.values())


_FOLDABLE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")


def _fold_one(m: re.Match[str]) -> str:
    return chr(_FOLD[ord(m.group())])


def fold(text: str) -> str:
    """Full-width digits, letters, brackets and dashes to ASCII, same length as ``text``."""
    # A regex substitution touches only the characters to fold; str.translate with a dict
    # costs a lookup for every character of a long page.
    return _FOLDABLE.sub(_fold_one, text) if _FOLDABLE.search(text) else text


def _shape(d: str) -> str | None:
    """The kind a national digit string would be, from its shape alone (None if no shape fits)."""
    n = len(d)
    if n < 5:
        return None
    if n == 10 and d[:3] == "400":
        return "service_400"
    if n == 10 and d[:3] == "800":
        return "toll_free_800"
    if n == 11 and d[0] == "1" and d[1] in "3456789":
        return "mobile"
    if d[0] == "0" and 10 <= n <= 12 and d[1] != "0":
        return "landline"
    if n == 5 and d[:2] in ("95", "96", "12"):
        return "short"
    return None


@lru_cache(maxsize=65536)
def _classify(d: str, kind: str) -> tuple[str | None, str | None]:
    """(e164, rejection reason) for a digit string of a known shape, checked by libphonenumber."""
    try:
        num = phonenumbers.parse(d, "CN")
    except phonenumbers.NumberParseException as exc:  # pragma: no cover - shapes above always parse
        return None, f"does not parse: {exc}"
    if kind == "short":
        if _short.is_valid_short_number(num) or _short.is_possible_short_number(num):
            return None, None
        return None, "not a known short service number"
    if not phonenumbers.is_valid_number(num):
        return None, "invalid for its prefix (wrong length or unassigned range)"
    t = phonenumbers.number_type(num)
    expected = {
        "service_400": (PhoneNumberType.SHARED_COST,),
        "toll_free_800": (PhoneNumberType.TOLL_FREE,),
        "mobile": (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
        "landline": (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
    }[kind]
    if t not in expected:
        return None, f"libphonenumber classifies it as {PhoneNumberType.to_string(t)}, not {kind}"
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), None


def _national(digits: str, *, after_86: bool = False) -> str:
    """Drop a 0086/86 country prefix; a landline written after it loses its trunk 0, so put it back."""
    if not after_86:
        if digits.startswith("0086"):
            digits, after_86 = digits[4:], True
        elif digits.startswith("86") and len(digits) in (12, 13):
            digits, after_86 = digits[2:], True
    if after_86 and _shape(digits) is None and _shape("0" + digits) == "landline":
        return "0" + digits
    return digits


def extract_phones(text: str) -> PhoneExtraction:
    """All phone numbers in ``text`` and the phone-like strings that are not usable numbers."""
    if not isinstance(text, str):
        raise InvalidInput(f"extract_phones takes text, not {type(text).__name__}; decode bytes first")
    folded = fold(text)
    numbers: list[PhoneNumber] = []
    rejected: list[Rejected] = []
    for m in _RUN.finditer(folded):
        start, run = m.start(), m.group().rstrip(" -.([/")
        if start and folded[start - 1] in _GLUED:
            continue
        plus = _PLUS86.search(folded, max(0, start - 5), start)
        if plus is not None:
            start, run = plus.start(), folded[plus.start() : start] + run
        elif start and folded[start - 1] == "+":
            start, run = start - 1, "+" + run
        elif start and folded[start - 1] in "([":
            start, run = start - 1, folded[start - 1] + run
        _scan_run(text, folded, start, run, numbers, rejected)
    return PhoneExtraction(tuple(numbers), tuple(rejected))


def _near_phone_word(folded: str, start: int) -> bool:
    return _PHONE_WORDS.search(folded, max(0, start - 12), start) is not None


def _scan_run(
    text: str, folded: str, offset: int, run: str, numbers: list[PhoneNumber], rejected: list[Rejected]
) -> None:
    plus86 = run.startswith("+")
    body_at = 0
    if plus86:
        m = re.match(r"\+\s?86[\s-]?", run)
        body_at = m.end() if m else 0
    else:
        marker = _MARKER.match(run)
        if marker is not None and _GROUP.match(run, marker.end()) is not None:
            rest_digits = re.sub(r"\D", "", run[marker.end() :])
            # "(1)400..." and "1.400..." are list markers when the rest is a number without them.
            if _shape(rest_digits[:10]) or _shape(rest_digits[:11]) or _shape(rest_digits[:12]):
                body_at = marker.end()
    groups = [(m.start(), m.group()) for m in _GROUP.finditer(run, body_at)]
    i = 0
    while i < len(groups):
        pos, g = groups[i]
        if not g.isdigit():
            _reject_placeholder(text, offset, run, groups, i, len(groups) - 1, rejected, floor=i)
            return
        best = None
        acc = ""
        for j in range(i, min(i + 5, len(groups))):
            if not groups[j][1].isdigit():
                break
            acc += groups[j][1]
            if len(acc) > 14:
                break
            national = _national(acc, after_86=plus86 and i == 0)
            kind = _shape(national)
            if kind is not None:
                best = (j, national, kind)
        if best is None:
            if any(not x[1].isdigit() for x in groups[i + 1 : i + 5]):
                _reject_placeholder(text, offset, run, groups, i, len(groups) - 1, rejected, floor=i)
                return
            # No number shape: report the whole digit run if it still looks like a phone number.
            k, acc = i, ""
            while k < len(groups) and k < i + 5 and groups[k][1].isdigit():
                acc += groups[k][1]
                k += 1
            s, e = offset + pos, offset + groups[k - 1][0] + len(groups[k - 1][1])
            ndig = len(acc)
            if 7 <= ndig <= 8 and acc[0] not in "01" and _near_phone_word(folded, s):
                rejected.append(Rejected(text[s:e], s, e, "local number without an area code"))
                i = k
            elif 7 <= ndig <= 14 and (acc[:3] in ("400", "800") or _near_phone_word(folded, s)):
                rejected.append(Rejected(text[s:e], s, e, f"{ndig} digits: no Chinese number has this shape"))
                i = k
            else:
                i += 1
            continue
        j, national, kind = best
        whole = i == 0 and (plus86 or (body_at == 0 and run[:1] in "(["))
        s = offset + (0 if whole else groups[i][0])  # keep "+86 " and "(010)" in the evidence
        e = offset + groups[j][0] + len(groups[j][1])
        e164, reason = _classify(national, kind)
        if reason is not None:
            rejected.append(Rejected(text[s:e], s, e, reason))
        else:
            numbers.append(PhoneNumber(text[s:e], s, e, national, e164, kind))
        i = j + 1


def _reject_placeholder(
    text: str,
    offset: int,
    run: str,
    groups: list[tuple[int, str]],
    i: int,
    j: int,
    rejected: list[Rejected],
    *,
    floor: int,
) -> None:
    k = max(i, floor)
    s = offset + groups[k][0]
    e = offset + groups[j][0] + len(groups[j][1])
    digits = sum(len(g) for _, g in groups[k : j + 1] if g.isdigit())
    if digits < 3 or sum(len(g) for _, g in groups[k : j + 1]) < 7:
        return  # "1**" in markdown, "3. **": not a number with hidden digits
    rejected.append(Rejected(text[s:e], s, e, "placeholder digits (X, ×, *) instead of a number"))


def normalize_phone(raw: str) -> PhoneNumber:
    """The one number written in ``raw`` (as a brand admin types it), or InvalidInput saying why not."""
    found = extract_phones(raw)
    if len(found.distinct()) == 1 and not found.rejected:
        return found.numbers[0]
    if found.rejected:
        r = found.rejected[0]
        raise InvalidInput(
            f"{r.raw!r} is not a usable phone number: {r.reason}",
            message_zh=f"{r.raw} 不是有效的电话号码",
            detail={"raw": raw, "reason": r.reason},
        )
    if not found.numbers:
        raise InvalidInput(
            f"no phone number in {raw!r}; write it as 400-xxx-xxxx, a mobile, or an area code and number",
            message_zh=f"{raw!r} 中没有电话号码",
            detail={"raw": raw},
        )
    raise InvalidInput(
        f"{raw!r} holds several numbers; give one at a time",
        message_zh="一次只能填写一个号码",
        detail={"raw": raw, "numbers": [p.e164 or p.digits for p in found.distinct()]},
    )
