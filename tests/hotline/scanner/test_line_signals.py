"""The line-based signals against their first, line-by-line versions (oracles), on generated pages.

The scanner now visits only the lines a match is on (list lines, lines with a brand
or a warning word); the oracles below read every line, as the first version did.
Pages are drawn from pieces that exercise each rule: region lists with places that
resolve, do not resolve or are not Chinese, brands, products, service and warning
words, numbers, prose and blank lines.
"""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.hotline.phones import extract_phones
from anxin.hotline.scanner import context, signals
from anxin.hotline.scanner.context import _RELEVANT, _WARNING
from anxin.hotline.scanner.extract import _PRODUCT, brand_mentions, page_text
from anxin.hotline.scanner.signals import _QUESTION, _TITLE_LEAD, _TITLE_NOUN, LIST_SEP, Page, Reason
from anxin.regions.resolver import default_resolver


def is_list_line(line: str) -> bool:
    items = LIST_SEP.split(line)
    return len(items) >= 4 and sum(len(i.strip()) <= 12 for i in items) >= 0.7 * len(items)


def region_stuffing_by_lines(page: Page, min_names: int = 12, min_provinces: int = 3) -> list[Reason]:
    names, provinces, evidence, line_start = 0, set(), [], 0
    for line in page.folded.split("\n"):
        if is_list_line(line):
            items = [x.strip(" :：") for x in LIST_SEP.split(line)]
            good, missed = 0, []
            for item in items:
                if not re.fullmatch(r"[\u4e00-\u9fff]{2,14}", item):
                    continue
                r = default_resolver().resolve(item)
                if r.code is not None and "partial" not in r.flags:
                    good += 1
                    provinces.add(r.code[:2])
                else:
                    missed.append(item)
            if good >= 3 and good * 2 >= len(items):
                names += good
                page.unresolved_places += missed
                if len(evidence) < 3:
                    evidence.append(signals.evidence(page, line_start, line_start + min(len(line), 80)))
        line_start += len(line) + 1
    if names < min_names or len(provinces) < min_provinces:
        return []
    message = f"lists {names} place names across {len(provinces)} provinces to rank in local searches"
    return [Reason("region_stuffing", 2.0 if names < 40 else 3.0, message, tuple(evidence))]


def padding_by_lines(page: Page, min_chars: int = 400) -> list[Reason]:
    if not page.offers:
        return []
    names = {b.brand for b in page.brands}
    best, run_start, run_len, pos = (0, 0, 0), 0, 0, 0
    for line in page.folded.split("\n"):
        if _PRODUCT.search(line) or _RELEVANT.search(line) or is_list_line(line) or any(n in line for n in names):
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
    message = f"{best[0]} characters of text unrelated to the brand or its service (copied filler)"
    return [Reason("padding", 1.0, message, (signals.evidence(page, best[1], min(best[2], best[1] + 60)),))]


def warning_words_by_lines(page: Page) -> dict[str, int]:
    relevant, pos, k = [], 0, 0
    anchors = sorted([b.start for b in page.brands] + [p.start for p in page.numbers])
    for line in page.folded.split("\n"):
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
    return words


def title_lines_by_lines(page: Page) -> list[tuple[int, str]]:
    out, pos, starts = [], 0, {b.start for b in page.brands}
    for line in page.folded.split("\n"):
        lead = _TITLE_LEAD.match(line)
        at = pos + (lead.end() if lead else 0)
        if len(line) <= 50 and at in starts and _TITLE_NOUN.search(line) and not _QUESTION.search(line):
            out.append((pos, line))
        pos += len(line) + 1
    return out


def make_page(text: str) -> Page:
    """The page as :meth:`Scanner.scan` builds it."""
    pt = page_text(text)
    mentions = brand_mentions(pt.folded)
    page = Page(pt.text, pt.folded, list(extract_phones(pt.text).numbers), mentions, "海尔" if mentions else None)
    page.offers = signals.find_offers(page)
    return page


PLACES = ("渭南市大荔县", "黔东南黄平县", "直辖县仙桃市", "成都市金牛区", "南京市江宁区", "文昌市公坡镇", "朝阳区")
ITEMS = st.sampled_from(
    [*PLACES, *PLACES, "拉萨市城关区", "某某某乡", "A1", "", " 甲乙 ", "甲乙丙丁戊己庚辛壬癸子丑寅卯"]
)
SEPARATORS = st.sampled_from(["、", ",", "；", "，"])
REGION_LINES = st.builds(lambda sep, items: sep.join(items), SEPARATORS, st.lists(ITEMS, min_size=2, max_size=12))
PROSE_LINES = st.builds(lambda n: "今天天气很好，适合出去走走。" * n, st.integers(0, 12))
WORDS = st.sampled_from(
    [
        *("海尔", "美的空调", "德尔玛智能锁", "全国统一", "官方", "售后服务热线", "客服电话:", "400-1865-909"),
        *("(点击咨询)", "李鬼", "记者", "骗子", "报道", "怎么", "版权所有", "【", " ", "、", "维修"),
    ]
)
SERVICE_LINES = st.lists(WORDS, max_size=8).map("".join)
PAGES = st.lists(st.one_of(REGION_LINES, PROSE_LINES, SERVICE_LINES), min_size=1, max_size=30).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(PAGES, st.integers(1, 15), st.integers(1, 4), st.sampled_from([20, 100, 400]))
def test_line_signals_match_their_line_by_line_oracles(text, min_names, min_provinces, min_chars):
    if not text.strip():
        return
    page, oracle_page = make_page(text), make_page(text)
    assert context.region_stuffing(
        page, default_resolver(), min_names=min_names, min_provinces=min_provinces
    ) == region_stuffing_by_lines(oracle_page, min_names, min_provinces)
    assert page.unresolved_places == oracle_page.unresolved_places
    assert context.padding(page, min_chars=min_chars) == padding_by_lines(oracle_page, min_chars)
    assert page.title_lines == title_lines_by_lines(oracle_page)
    warning = [r for r in context.counter_signals(page) if r.code == "warning_context"]
    words = warning_words_by_lines(oracle_page)
    assert [e.start for r in warning for e in r.evidence] == (list(words.values())[:4] if len(words) >= 2 else [])


def test_list_lines_are_the_lines_of_short_items():
    page = make_page(
        "渭南市大荔县、黔东南黄平县、直辖县仙桃市、成都市金牛区\n甲,乙\n、、、\n很长很长很长很长很长的一句话,乙,丙,丁"
    )
    assert list(page.list_lines) == [0, 2, 3]
    assert [page.lines[i] for i in page.list_lines] == [line for line in page.lines if is_list_line(line)]
    assert page.list_lines[2] == ["", "", "", ""]
