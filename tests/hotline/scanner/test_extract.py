import re
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.hotline.scanner import lexicon
from anxin.hotline.scanner.extract import (
    PageError,
    _listed_mentions,
    brand_mentions,
    decode_with_encoding,
    html_to_text,
    page_text,
)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-16"])
def test_decode_simplified(encoding):
    text = "威能壁挂炉售后服务热线，全国各区上门维修，请拨打电话预约。" * 3
    decoded, _ = decode_with_encoding(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


def test_decode_big5():
    text = "威能壁掛爐售後服務熱線，全國各區上門維修，請撥打電話預約。" * 3
    decoded, enc = decode_with_encoding(text.encode("big5"))
    assert decoded == text and enc == "big5"


@pytest.mark.parametrize("data", [b"", b"\n \t", b"\x00\x01\x02binary" * 20, bytes(range(1, 8)) * 100])
def test_unreadable(data):
    with pytest.raises(PageError):
        page_text(data)


def test_html_to_text_tolerates_broken_markup():
    html = "<HTML><body><div>甲<br>乙<script>bad('<p>')<p>丙</div><style>.x{}</style><!-- 注释 --><p>丁&amp;戊<b>己"
    assert html_to_text(html).split("\n") == ["甲", "乙"]  # an unclosed <script> swallows the rest
    assert html_to_text("<p>丙</p><p>丁&amp;戊<b>己") == "丙\n丁&戊己"


def test_fold_keeps_offsets_and_removes_pinyin_notes():
    p = page_text("容聲集成灶各區(qū)維修服務(wù)電話：４００－６１８９１２３ (York)")
    assert p.folded == "容声集成灶各区维修服务电话:400-6189123 (York)"
    assert len(p.folded) == len(p.text)


def test_brand_mentions_rules():
    f = page_text("完美的体验。美的空调售后。老板电器维修。老板说不行。LGBT与LG冰箱。太原格力空调维修").folded
    found = [(m.brand, f[m.start : m.end]) for m in brand_mentions(f)]
    assert found == [("美的", "美的"), ("老板", "老板电器"), ("LG", "LG"), ("格力", "格力")]


def test_unlisted_brand_from_product_words():
    f = page_text("索立捷智能锁厂家总部售后\n索立捷智能锁客服专线\n一款智能锁\n家用智能锁").folded
    names = {m.brand for m in brand_mentions(f)}
    assert names == {"索立捷"}
    once = page_text("某某某智能锁维修").folded
    assert brand_mentions(once) == []  # one sighting is not enough to call a word a brand


@given(st.text(max_size=200))
def test_page_text_never_changes_length_when_folding(text):
    try:
        p = page_text(text)
    except PageError:
        return
    assert len(p.folded) == len(p.text)


def test_unlisted_brand_opening_service_lines():
    f = page_text("德尔玛售后服务中心电话\n德尔玛全国统一客服热线\n全国统一客服热线\n全国统一售后").folded
    assert {m.brand for m in brand_mentions(f)} == {"德尔玛"}


def test_detection_looks_past_a_long_ascii_prefix():
    """Regression: a 100 KB <script> before the text made the detector see pure ASCII and pick UTF-8."""
    html = '<meta charset="utf-8"><script>' + "var a=1;" * 12_000 + "</script><p>索立捷智能锁全国统一售后服务热线</p>"
    p = page_text(html.encode("gb18030"))
    assert p.encoding == "gb18030" and "索立捷智能锁全国统一售后服务热线" in p.text


def listed_mentions_by_find(folded: str) -> list[tuple[int, int, str]]:
    """Oracle: every occurrence of every alias by ``str.find``, then leftmost-longest without overlaps."""
    hits = []
    for alias in lexicon.ALIASES:
        i = folded.find(alias)
        while i >= 0:
            j = i + len(alias)
            before = folded[i - 1] if i else " "
            after = folded[j] if j < len(folded) else " "
            inside_a_word = any(c.isascii() and c.isalnum() for c in (before, after))
            if not (alias.isascii() and inside_a_word):
                hits.append((i, j, alias))
            i = folded.find(alias, j)
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    out, last_end = [], -1
    for h in hits:
        if h[0] >= last_end:
            out.append(h)
            last_end = h[1]
    return out


ALIAS_PIECES = st.sampled_from([*lexicon.ALIASES, "电器", "空调", "a", "X", "9", "-", ".", "。", "完美", "太原", "\n"])


@given(st.lists(ALIAS_PIECES, max_size=30))
def test_listed_mentions_match_the_find_oracle(pieces):
    text = "".join(pieces)
    assert _listed_mentions(text) == listed_mentions_by_find(text)


def test_listed_mentions_prefer_the_longest_alias_and_whole_ascii_words():
    text = "老板电器、A.O.史密斯、AO史密斯、史密斯、LGBT、LG、3M、SIEMENSIEMENS、盼盼盼"
    found = [alias for _, _, alias in _listed_mentions(text)]
    assert found == ["老板电器", "A.O.史密斯", "AO史密斯", "史密斯", "LG", "3M", "盼盼"]


def html_to_text_first_version(markup: str) -> str:
    """Oracle: the first html_to_text, with a lazy .*? to the end of scripts and backtracking everywhere."""
    markup = re.sub(
        r"<(script|style|noscript|template)\b.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)", " ", markup, flags=re.I | re.S
    )
    block = r"<\s*/?\s*(?:p|div|br|li|tr|h[1-6]|table|ul|ol|section|article|header|footer|dd|dt)\b[^>]*>"
    markup = re.sub(block, "\n", markup, flags=re.I)
    text = unescape(re.sub(r"<[^>]{0,2000}>", "", markup))
    return re.sub(r"\n\s*\n+", "\n", re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)).strip()


LONG_TAGS = ("<" + "x" * 1999, "<" + "x" * 2000 + ">", "<" + "x" * 2001 + ">")  # a tag is at most 2000 characters
MARKUP_PIECES = st.sampled_from(
    [
        *("<script>", "</script>", "</SCRIPT >", "<style a=1>", "</style>", "<noscript>", "</noscript>", "<template>"),
        *("</template>", "<!--", "-->", "--->", "-", "--", "<", ">", "</", "<p>", "< / P >", "<br/>", "<LI class=x>"),
        *("</li>", "<a href='/'>", "</a>", "<pre>", "<h2>", "<section>", "<ſection>", "<dİv>", "</scriptx>", "甲", "x"),
        *("<ſcript>", "</ſcript>", "<ſtyle>", "<NOSCRIPT>", "<Template>", "<!DOCTYPE html>", "<!-- a -- b -->"),
        *(" ", "  ", "\t", "\u00a0", "&nbsp;", "&amp;", "\u3000", "\n", "\n \n", "\r\n", "\n\n\n", "\n\u3000\n"),
        *LONG_TAGS,
    ]
)


@settings(max_examples=300)
@given(st.lists(MARKUP_PIECES, max_size=40))
def test_html_to_text_matches_its_first_version(pieces):
    markup = "".join(pieces)
    assert html_to_text(markup) == html_to_text_first_version(markup)
