r"""Signals from the page around the offers: region stuffing, call bait, boilerplate, padding, and counter-signals.

Problem: the offer of a brand's line (see :mod:`anxin.hotline.scanner.signals`)
is the core evidence; fake pages add ranking and persuasion tricks around it —
hundreds of district names, 点击咨询 and the number repeated, stock service
boilerplate, a long copied article — while honest look-alikes carry the marks
of their kind: warnings and reporting next to the numbers, a company speaking
of itself, guide and Q&A voice. Each function is one pass over the lines of
the page, O(n), plus one (memoised) resolver call per list item.

>>> from anxin.hotline.scanner.verdict import scan_text
>>> places = "、".join(["渭南市大荔县", "黔东南黄平县", "直辖县仙桃市", "昌江黎族自治县王下乡"] * 4)
>>> r = scan_text("热线400-1865-909（点击咨询）\n" + places)
>>> sorted(x.code for x in r.reasons)
['call_bait', 'region_stuffing']
"""

from __future__ import annotations

import re
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
_PRODUCT = re.compile("|".join(map(re.escape, lexicon.PRODUCTS)))
_RELEVANT = re.compile(r"售后|客服|维修|热线")
_LIST_SEP = re.compile(r"[、,，;；]")
_CJK_ITEM = re.compile(r"^[\u4e00-\u9fff]{2,14}$")


def _is_list_line(line: str) -> bool:
    """A line of short items (a region list), not prose with commas."""
    items = _LIST_SEP.split(line)
    return len(items) >= 4 and sum(len(i.strip()) <= 12 for i in items) >= 0.7 * len(items)


def region_stuffing(page: Page, resolver: Resolver, *, min_names: int = 12, min_provinces: int = 3) -> list[Reason]:
    """Lists of many place names over several provinces: written to rank in every local search."""
    names = 0
    provinces: set[str] = set()
    evidence: list[Evidence] = []
    line_start = 0
    for line in page.folded.split("\n"):
        if _is_list_line(line):
            items = [x.strip(" :：") for x in _LIST_SEP.split(line)]
            good = 0
            missed = []
            for item in items:
                if not _CJK_ITEM.match(item):
                    continue
                r = resolver.resolve(item)
                if r.code is not None and "partial" not in r.flags:
                    good += 1
                    provinces.add(r.code[:2])
                else:
                    missed.append(item)
            if good >= 3 and good * 2 >= len(items):
                names += good
                page.unresolved_places += missed  # reported with the page, not dropped
                if len(evidence) < 3:
                    evidence.append(_ev(page, line_start, line_start + min(len(line), 80)))
        line_start += len(line) + 1
    if names < min_names or len(provinces) < min_provinces:
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
    f = page.folded
    names = {b.brand for b in page.brands}
    best = (0, 0, 0)
    run_start, run_len, pos = 0, 0, 0
    for line in f.split("\n"):
        related = (
            _PRODUCT.search(line)
            or _RELEVANT.search(line)
            or _is_list_line(line)  # a region list is stuffing, not padding
            or any(name in line for name in names)
        )
        if related:
            run_len = 0
        else:
            if run_len == 0:
                run_start = pos
            run_len += len(line) + 1
            if run_len > best[0]:
                best = (run_len, run_start, pos + len(line))
        pos += len(line) + 1
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
    relevant: list[tuple[int, str]] = []
    pos = 0
    anchors = sorted([b.start for b in page.brands] + [p.start for p in page.numbers])
    k = 0
    for line in f.split("\n"):
        end = pos + len(line)
        while k < len(anchors) and anchors[k] < pos:
            k += 1
        if _RELEVANT.search(line) or (k < len(anchors) and anchors[k] <= end):
            relevant.append((pos, line))
        pos = end + 1
    words: dict[str, int] = {}
    for start, line in relevant:
        for m in _WARNING.finditer(line):
            words.setdefault(m.group(), start + m.start())
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
