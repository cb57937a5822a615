r"""Signals from the page around the offers: region stuffing, call bait, boilerplate, padding, and counter-signals.

Problem: the offer of a brand's line (see :mod:`anxin.hotline.scanner.signals`)
is the core evidence; fake pages add ranking and persuasion tricks around it —
hundreds of district names, 点击咨询 and the number repeated, stock service
boilerplate, a long copied article — while honest look-alikes carry the marks
of their kind: warnings and reporting next to the numbers, a company speaking
of itself, guide and Q&A voice. Each function is one regex pass over the
page, O(n), and visits only the lines a match is on (region lists, lines with
a warning word) through :class:`~anxin.hotline.scanner.signals.Page`'s line
index, plus one (memoised) resolver call per list item.

>>> from anxin.hotline.scanner.verdict import scan_text
>>> places = "、".join(["渭南市大荔县", "黔东南黄平县", "直辖县仙桃市", "昌江黎族自治县王下乡"] * 4)
>>> r = scan_text("热线400-1865-909（点击咨询）\n" + places)
>>> sorted(x.code for x in r.reasons)
['call_bait', 'region_stuffing']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from anxin.hotline.scanner import lexicon
from anxin.hotline.scanner.signals import OFFER_KINDS, Evidence, Page, Reason
from anxin.hotline.scanner.signals import evidence as _ev
from anxin.regions.resolver import Resolver

_WARNING = re.compile("|".join(map(re.escape, lexicon.WARNING_WORDS)))
_BAIT = re.compile("|".join(map(re.escape, lexicon.CALL_BAIT)))
_BOILER = re.compile("|".join(map(re.escape, sorted(lexicon.BOILERPLATE, key=len, reverse=True))))
_SELF = re.compile("|".join(map(re.escape, lexicon.SELF_WORDS)))
_QA = re.compile("|".join(map(re.escape, lexicon.QA_WORDS)))
_GUIDE = re.compile(r"你|本站|本文|文章|小编|作者|网友|攻略|指南|如何|怎么|为什么|我家|我们家")
_RELEVANT_WORDS = ("售后", "客服", "维修", "热线")
_RELEVANT = re.compile("|".join(_RELEVANT_WORDS))
# A line naming a product or a service word is related to the brand's service; the rest of the line is
# consumed, so a search visits each related line once.
_RELATED_LINE = re.compile("(?:" + "|".join(map(re.escape, (*lexicon.PRODUCTS, *_RELEVANT_WORDS))) + ")[^\n]*")
_CJK_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,14}$")
# A list line whose every item is already a bare 2-14 character Chinese name (most region lists).
_BARE_PLACES = re.compile(r"[\u4e00-\u9fff]{2,14}(?:[、,，;；][\u4e00-\u9fff]{2,14})*")


def region_stuffing(page: Page, resolver: Resolver, *, min_names: int = 12, min_provinces: int = 3) -> list[Reason]:
    """Lists of many place names over several provinces: written to rank in every local search."""
    names = 0
    resolved: set[str | None] = set()  # codes of every place in any list line, None for the unresolved
    evidence: list[Evidence] = []
    for i, items in page.list_lines.items():
        line, line_start = page.lines[i], page.line_starts[i]
        if _BARE_PLACES.fullmatch(line):
            places = items
        else:
            places = [x for x in (item.strip(" :：") for item in items) if _CJK_ITEM.match(x)]
        codes = [None if "partial" in r.flags else r.code for r in map(resolver.resolve, places)]
        good = len(places) - codes.count(None)
        resolved.update(codes)
        if good >= 3 and good * 2 >= len(items):
            names += good
            if good < len(places):  # items no unit matches are reported with the page, not dropped
                page.unresolved_places += [x for x, code in zip(places, codes, strict=True) if code is None]
            if len(evidence) < 3:
                evidence.append(_ev(page, line_start, line_start + min(len(line), 80)))
    if names < min_names:
        return []
    provinces = {code[:2] for code in resolved if code is not None}
    if len(provinces) < min_provinces:
        return []
    points = 2.0 if names < 40 else 3.0
    return [
        Reason(
            "region_stuffing",
            points,
            f"lists {names} place names across {len(provinces)} provinces to rank in local searches",
            tuple(evidence),
        )
    ]


def call_bait(page: Page) -> list[Reason]:
    """点击咨询-style bait and the same number repeated over and over."""
    f = page.folded
    bait = list(_BAIT.finditer(f))
    counts = Counter(p.e164 or p.digits for p in page.numbers if p.kind in OFFER_KINDS)
    top, times = counts.most_common(1)[0] if counts else ("", 0)
    points = (1.0 if bait else 0.0) + (1.0 if times >= 3 else 0.0)
    if points == 0:
        return []
    parts = []
    if bait:
        parts.append(f"call bait ({len(bait)}× {bait[0].group()})")
    if times >= 3:
        parts.append(f"{top} repeated {times} times")
    ev = [_ev(page, m.start(), m.end()) for m in bait[:2]]
    ev += [_ev(page, p.start, p.end) for p in page.numbers if (p.e164 or p.digits) == top][:2]
    return [Reason("call_bait", points, "; ".join(parts), tuple(ev))]


def boilerplate(page: Page) -> list[Reason]:
    """Generic after-sales boilerplate (一站式服务, 各区, 24小时, 上门服务 …) in quantity."""
    found = {m.group(): m for m in _BOILER.finditer(page.folded)}
    if len(found) < 4:
        return []
    ev = tuple(_ev(page, m.start(), m.end()) for m in list(found.values())[:4])
    return [
        Reason(
            "service_boilerplate",
            1.0 if len(found) < 7 else 1.5,
            f"{len(found)} kinds of generic after-sales boilerplate: {'、'.join(list(found)[:6])}",
            ev,
        )
    ]


def padding(page: Page, *, min_chars: int = 400) -> list[Reason]:
    """A long stretch that never mentions a brand, a product, a service word or a number: copied filler."""
    if not page.offers:
        return []
    f, starts = page.folded, page.line_starts
    # Lines naming a product, a service word or a brand, and region lists (stuffing, not padding).
    related = set(page.list_lines)
    related.update(map(page.line_index, (m.start() for m in _RELATED_LINE.finditer(f))))
    for name in {b.brand for b in page.brands}:
        at = f.find(name)
        while at >= 0:
            i = page.line_index(at)
            related.add(i)
            at = f.find(name, starts[i + 1])
    # The unrelated runs are the gaps between related lines; a run's length counts each line's break.
    best = (0, 0, 0)
    previous = -1
    for i in (*sorted(related), len(page.lines)):
        if i > previous + 1:
            run_len = starts[i] - starts[previous + 1]
            if run_len > best[0]:
                best = (run_len, starts[previous + 1], starts[i] - 1)
        previous = i
    if best[0] < min_chars:
        return []
    return [
        Reason(
            "padding",
            1.0,
            f"{best[0]} characters of text unrelated to the brand or its service (copied filler)",
            (_ev(page, best[1], min(best[2], best[1] + 60)),),
        )
    ]


def counter_signals(page: Page) -> list[Reason]:
    """What honest look-alikes have: warnings and reporting next to the numbers, a company on itself, Q&A."""
    reasons: list[Reason] = []
    f = page.folded
    # Warnings count on lines about the service or holding a brand or a number (an anchor); warning
    # words are rare, so only their lines are examined.
    anchors = sorted([b.start for b in page.brands] + [p.start for p in page.numbers])
    words: dict[str, int] = {}
    for m in _WARNING.finditer(f):
        i = page.line_index(m.start())
        k = bisect_left(anchors, page.line_starts[i])
        if (k < len(anchors) and anchors[k] < page.line_starts[i + 1]) or _RELEVANT.search(page.lines[i]):
            words.setdefault(m.group(), m.start())
    if len(words) >= 2:
        points = -2.5 if len(words) < 4 else -4.5
        reasons.append(
            Reason(
                "warning_context",
                points,
                f"warns about or reports on fakes: {'、'.join(list(words)[:6])}",
                tuple(_ev(page, s, s + len(w)) for w, s in list(words.items())[:4]),
            )
        )
    own = list(_SELF.finditer(f))
    offered = {o.brand for o in page.offers if o.brand} or ({page.main_brand} if page.main_brand else set())

    def line_of(i: int) -> str:
        start, end = f.rfind("\n", 0, i) + 1, f.find("\n", i)
        return f[start : len(f) if end < 0 else end]

    # "© 海尔集团" is the brand; "© 海尔空调售后维修服务中心 版权所有" is a fake desk naming itself.
    owner = next(
        (
            m
            for m in own
            for b in offered
            if b in line_of(m.start()) and not _RELEVANT.search(line_of(m.start())) and "中心" not in line_of(m.start())
        ),
        None,
    )
    if owner is not None:
        # © 海尔集团 / 版权所有 海尔: the brand whose line is offered owns the page.
        reasons.append(
            Reason(
                "brand_owns_page",
                -3.0,
                f"the page names the offered brand as its owner ({owner.group()})",
                (_ev(page, owner.start(), owner.end(), pad=20),),
            )
        )
    elif own:
        reasons.append(
            Reason(
                "speaks_as_company",
                -1.5,
                f"a company describing its own service ({own[0].group()})",
                (_ev(page, own[0].start(), own[0].end()),),
            )
        )
    voice = {m.group() for m in _GUIDE.finditer(f)}
    if len(voice) >= 2:
        reasons.append(
            Reason(
                "guide_voice",
                -1.5 if len(voice) < 4 else -2.5,
                f"written as advice or an article ({'、'.join(sorted(voice)[:6])})",
            )
        )
    qa = {m.group() for m in _QA.finditer(f)}
    if len(qa) >= 2:
        reasons.append(Reason("qa_or_article", -1.0, f"question-and-answer or article page ({'、'.join(sorted(qa))})"))
    return reasons
