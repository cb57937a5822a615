r"""The evidence a fake after-sales page leaves, each as a scored, explained :class:`Reason`.

Problem: a fake page offers a named brand's after-sales line that is not the
brand's (官方/厂家/总部/全国统一 + a 400 number), often the same number for many
brands, stuffs hundreds of district names to rank everywhere, baits calls
(点击咨询, the number over and over) and pads itself with copied text. Pages
that look alike but are honest — a brand's own page, a repair guide, news and
regulators' warnings that quote fake numbers — must stay clean, so the
signals that lower the score (warning vocabulary next to the numbers, a
company speaking of itself, a number the registry verifies) are as explicit
as those that raise it.

Each function reads a :class:`Page` (text, folded text, numbers, brands,
place names) and returns reasons with points (positive = towards fake) and
evidence spans into the page text. Every signal is one or two passes over the
text or its lines: O(n) per page.

>>> from anxin.hotline.scanner.verdict import scan_text
>>> r = scan_text("索立捷智能锁厂家总部售后全国24小时客服\n索立捷智能锁客服专线电话(1)400-1865-909(点击咨询)")
>>> [x.code for x in r.reasons]
['brand_hotline', 'brand_service_title', 'brand_phone_headline', 'official_claim', 'call_bait']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, count
from operator import add

from anxin.hotline.phones import PhoneNumber
from anxin.hotline.scanner import lexicon
from anxin.hotline.scanner.extract import BrandMention
from anxin.hotline.scanner.registry import HotlineRegistry

OFFER_KINDS = frozenset({"service_400", "toll_free_800", "mobile", "landline"})


REASON_ZH = {
    "brand_hotline": "以品牌名义提供未经核实的售后电话",
    "not_brand_number": "该号码不是品牌登记的官方号码",
    "number_of_other_brand": "该号码登记在其他品牌名下",
    "verified_number": "号码已由品牌核实登记",
    "brand_service_title": "标题以品牌名义自称售后服务",
    "brand_phone_headline": "整行只有品牌、服务名称和号码",
    "official_claim": "自称官方、厂家、总部或全国统一售后",
    "number_many_brands": "同一号码在本页为多个品牌服务",
    "number_across_crawl": "同一号码在多个网页为多个品牌服务",
    "region_stuffing": "堆砌大量地区名称以抢占本地搜索",
    "call_bait": "诱导拨打（点击咨询、号码反复出现）",
    "service_boilerplate": "大量通用售后套话",
    "padding": "大段与品牌无关的拼凑文字",
    "warning_context": "页面在提醒或报道假冒售后",
    "brand_owns_page": "页面署名为该品牌本身",
    "speaks_as_company": "公司介绍自身的服务",
    "guide_voice": "指南或文章的写法",
    "qa_or_article": "问答或文章页面",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the page text (``text[start:end]``) that supports a reason."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Reason:
    """One explained signal: a stable ``code``, its points, a sentence, and the evidence."""

    code: str
    points: float
    message: str
    evidence: tuple[Evidence, ...] = ()

    @property
    def message_zh(self) -> str:
        """A Chinese one-line summary of the signal (the English ``message`` carries the details)."""
        return REASON_ZH.get(self.code, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "points": self.points,
            "message": self.message,
            "message_zh": self.message_zh,
            "evidence": [{"start": e.start, "end": e.end, "text": e.text} for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Offer:
    """A number the page presents as a brand's service line (a label such as 售后电话 right before it)."""

    brand: str | None
    number: str  # E.164, or digits for short numbers
    start: int  # of the brand mention (or the label) ...
    end: int  # ... to the end of the number
    claim: bool  # 官方/厂家/总部/全国统一 ... within the offer
    named: bool = True  # the brand is named right before the number (not only elsewhere on the page)
    referenced: bool = False  # 拨打/通过/联系 before the brand: the text points to a line, not offers one


@dataclass
class Page:
    """Everything the signals read, computed once per page."""

    text: str
    folded: str
    numbers: list[PhoneNumber]
    brands: list[BrandMention]
    main_brand: str | None
    offers: list[Offer] = field(default_factory=list)
    unresolved_places: list[str] = field(default_factory=list)  # region-list items no unit matches

    @cached_property
    def lines(self) -> list[str]:
        """The folded text's lines, split once for every signal that reads line by line."""
        return self.folded.split("\n")

    @cached_property
    def line_starts(self) -> list[int]:
        """Offset of every line in the text, plus ``len(text) + 1`` as the end of the last one."""
        # The i-th line starts after the i lines before it and their i line breaks.
        return list(map(add, accumulate(map(len, self.lines), initial=0), count()))

    def line_index(self, pos: int) -> int:
        """The line holding text offset ``pos``: a bisection, so signals can visit only the lines a match is on."""
        return bisect_right(self.line_starts, pos) - 1

    @cached_property
    def list_lines(self) -> dict[int, list[str]]:
        """The lines that are lists of short items (region lists), in order: line index → items."""
        out = {}
        for m in _THREE_SEPARATORS.finditer("\n" + self.folded):
            i = self.line_index(m.start())
            items = LIST_SEP.split(self.lines[i])
            if _is_list(items):
                out[i] = items
        return out

    @cached_property
    def title_lines(self) -> list[tuple[int, str]]:
        """The brand's service headings (see :func:`find_title_lines`), found once for the signals that read them."""
        return find_title_lines(self)


LIST_SEP = re.compile(r"[、,，;；]")
# A line with at least three separators (four items): the only lines that can be lists. Searched over
# "\n" + text, so a match starts at the line's offset in the text; possessive runs never backtrack.
_THREE_SEPARATORS = re.compile(r"\n(?:[^\n、,，;；]*+[、,，;；]){3}")


def _is_list(items: list[str]) -> bool:
    """Whether a line's items make a list of short items (a region list), not prose with commas."""
    if len(items) < 4:
        return False
    return max(map(len, items)) <= 12 or sum(len(i.strip()) <= 12 for i in items) >= 0.7 * len(items)


_LABEL = re.compile(
    "(?:" + "|".join(map(re.escape, (*lexicon.SERVICE_WORDS, *lexicon.NUMBER_LABELS, "手机", "电话", "联系"))) + ")"
)
_CLAIM = re.compile("|".join(map(re.escape, lexicon.CLAIM_WORDS)))
_SERVICE = re.compile("|".join(map(re.escape, lexicon.SERVICE_WORDS)))
_BAIT = re.compile("|".join(map(re.escape, lexicon.CALL_BAIT)))
_REFERENCE = re.compile(r"拨打|致电|联系|通过|查询|打了?|咨询了|找|向|是否|不是")
_TITLE_NOUN = re.compile(r"电话|热线|专线|号码|中心|网点|服务站|一站式|售后服务|维修服务|客服|报修")
# Headings of guides and reviews, not of a service desk.
_QUESTION = re.compile(
    r"吗|多久|怎么|如何|为什么|是什么|哪个|哪些|好不好|靠谱|攻略|指南|介绍|体系|排查|技巧|方法|经验|体验|评测|对比|解析"
)
_TITLE_LEAD = re.compile(r"[\s【\[(（]*(?:全国|各区|各地|本地|官方)?")


def evidence(page: Page, start: int, end: int, pad: int = 0) -> Evidence:
    s, e = max(0, start - pad), min(len(page.text), end + pad)
    return Evidence(s, e, page.text[s:e])


def find_offers(page: Page, *, window: int = 60, label_window: int = 16) -> list[Offer]:
    """Numbers labelled as service lines, each with the brand named nearest before it."""
    offers: list[Offer] = []
    brands = page.brands
    bi = 0
    for p in page.numbers:
        if p.kind not in OFFER_KINDS:
            continue
        f = page.folded
        label = _LABEL.search(f, max(0, p.start - label_window), p.start)
        if label is None and _BAIT.match(f, p.end, p.end + 8) is None:
            continue
        while bi < len(brands) and brands[bi].end <= p.start:
            bi += 1
        brand, start = None, label.start() if label is not None else p.start
        named = referenced = False
        k = bi - 1
        if k >= 0 and p.start - brands[k].end <= window and "\n" not in f[brands[k].end : p.start]:
            brand, start, named = brands[k].brand, brands[k].start, True
            referenced = _REFERENCE.search(f, max(0, start - 6), start) is not None
        elif page.main_brand is not None:
            brand = page.main_brand
        claim = _CLAIM.search(f, start, p.start) is not None
        offers.append(Offer(brand, p.e164 or p.digits, start, p.end, claim, named, referenced))
    return offers


def brand_hotline(page: Page, registry: HotlineRegistry) -> list[Reason]:
    """The page offers numbers as a brand's service line; judged against the registry when it knows them."""
    reasons: list[Reason] = []
    by_pair: dict[tuple[str, str], list[Offer]] = {}
    for o in page.offers:
        if o.brand is not None:
            by_pair.setdefault((o.brand, o.number), []).append(o)
    if not by_pair:
        return reasons
    verified, foreign, unverified = [], [], []
    for (brand, number), offers in by_pair.items():
        registered = registry.numbers_for(brand)
        if registered is not None and number in registered:
            verified.append((brand, number, offers))
        elif registry.brands_for(number):
            foreign.append((brand, number, offers, sorted(registry.brands_for(number))))
        else:
            unverified.append((brand, number, offers, registered))
    if verified and not unverified and not foreign:
        b, n, offers = verified[0]
        reasons.append(
            Reason(
                "verified_number",
                -8.0,
                f"{n} is a verified after-sales number of {b}",
                tuple(evidence(page, o.start, o.end) for o in offers[:3]),
            )
        )
        return reasons
    count = sum(len(x[2]) for x in unverified) + sum(len(x[2]) for x in foreign)
    if unverified or foreign:
        first = (unverified or foreign)[0]
        all_offers = [o for x in (unverified + foreign) for o in x[2]]
        # A number named right after the brand is an offer; one only pointed to (拨打…热线) or far
        # from any brand name is weaker evidence.
        strong = any(o.named and not o.referenced for o in all_offers)
        # National 400/800 lines are what brand desks (and their impostors) publish; a mobile or a
        # local landline under a brand name is as often a real local repair shop.
        national = any(o.number.startswith(("+86400", "+86800")) for o in all_offers)
        points = (2.0 if strong else 1.0) - (0.0 if national else 0.5) + min(1.5, 0.5 * (count - 1))
        reasons.append(
            Reason(
                "brand_hotline",
                points,
                f"offers {first[1]} as {first[0]}'s service line {count} time(s); the number is not verified for it",
                tuple(evidence(page, o.start, o.end) for x in (unverified + foreign) for o in x[2][:2])[:4],
            )
        )
    for brand, number, offers, registered in unverified:
        if registered:
            reasons.append(
                Reason(
                    "not_brand_number",
                    2.5,
                    f"{brand}'s verified numbers are {', '.join(sorted(registered))}, not {number}",
                    (evidence(page, offers[0].start, offers[0].end),),
                )
            )
            break
    for brand, number, offers, owners in foreign:
        reasons.append(
            Reason(
                "number_of_other_brand",
                3.0,
                f"{number} is verified for {', '.join(owners)}, but offered here for {brand}",
                (evidence(page, offers[0].start, offers[0].end),),
            )
        )
        break
    return reasons


def find_title_lines(page: Page) -> list[tuple[int, str]]:
    """Lines that start with a brand and name a service line: 威能咨询电话, 容声集成灶各区维修服务地址电话多少.

    Only lines holding a brand mention can qualify, so only those are read.
    """
    out = []
    starts = {b.start for b in page.brands}
    last = -1
    for i in map(page.line_index, sorted(starts)):
        if i == last:
            continue
        last = i
        line, pos = page.lines[i], page.line_starts[i]
        if len(line) > 50:
            continue
        lead = _TITLE_LEAD.match(line)
        at = pos + (lead.end() if lead else 0)
        if at in starts and _TITLE_NOUN.search(line) and not _QUESTION.search(line):
            out.append((pos, line))
    return out


def phone_headlines(page: Page) -> list[Reason]:
    """Short lines that are just brand + label + number (华帝咨询电话:4006-189123): a service desk's sign."""
    f = page.folded
    heads = []
    for o in page.offers:
        if not o.named or o.referenced:
            continue
        line_start = f.rfind("\n", 0, o.start) + 1
        line_end = f.find("\n", o.end)
        line_end = len(f) if line_end < 0 else line_end
        lead = _TITLE_LEAD.match(f, line_start)
        if line_end - line_start <= 40 and lead is not None and lead.end() == o.start:
            heads.append(evidence(page, line_start, line_end))
    if not heads:
        return []
    return [
        Reason(
            "brand_phone_headline",
            1.5,
            f"{len(heads)} line(s) consist of the brand, a service label and the number",
            tuple(heads[:3]),
        )
    ]


def service_titles(page: Page) -> list[Reason]:
    """Headings that present a brand's service line — the shape of pages that speak as the brand."""
    titles = page.title_lines
    if not titles:
        return []
    n = len(titles)
    return [
        Reason(
            "brand_service_title",
            1.5 if n < 3 else 2.5,
            f"{n} heading(s) present the brand's own service line",
            tuple(evidence(page, s, s + min(len(line), 60)) for s, line in titles[:4]),
        )
    ]


def official_claim(page: Page) -> list[Reason]:
    """官方/厂家/总部/全国统一 … in the brand's service headings or offers: the page speaks as the brand."""
    if page.main_brand is None:
        return []
    hits: list[Evidence] = []
    for start, line in page.title_lines:
        m = _CLAIM.search(line)
        if m is not None:
            hits.append(evidence(page, start, start + min(len(line), 60)))
    hits += [evidence(page, o.start, o.end) for o in page.offers if o.claim and o.named and not o.referenced]
    n = len(hits)
    if n == 0:
        return []
    return [
        Reason(
            "official_claim",
            1.5 if n == 1 else 2.5,
            f"presents itself as the brand's official/factory/headquarters after-sales ({n} place(s))",
            tuple(hits[:4]),
        )
    ]


def multi_brand_number(page: Page) -> list[Reason]:
    """One number offered for several brands on the same page."""
    brands_by_number: dict[str, set[str]] = {}
    for o in page.offers:
        if o.brand is not None:
            brands_by_number.setdefault(o.number, set()).add(o.brand)
    for number, brands in brands_by_number.items():
        if len(brands) >= 2:
            ev = tuple(evidence(page, o.start, o.end) for o in page.offers if o.number == number)[:4]
            return [
                Reason(
                    "number_many_brands",
                    2.0,
                    f"{number} is offered as the service line of {len(brands)} brands: {', '.join(sorted(brands))}",
                    ev,
                )
            ]
    return []
