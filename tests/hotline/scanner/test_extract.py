import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.hotline.scanner.extract import PageError, brand_mentions, decode_with_encoding, html_to_text, page_text


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
