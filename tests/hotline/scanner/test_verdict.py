"""Scanner verdicts on the real seed page, the labelled dev pages, hand-written look-alikes and bad input."""

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.errors import InvalidInput
from anxin.hotline.scanner import MappingRegistry, Scanner, scan_page, scan_text
from anxin.hotline.scanner.verdict import VERDICTS

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
SEED = SHARED / "seeds" / "fake-hotline-page-1.txt"
DEV = SHARED / "data" / "hotline-pages-dev"


@pytest.fixture(scope="module")
def scanner():
    return Scanner()


@pytest.fixture(scope="module")
def seed_result(scanner):
    return scanner.scan(SEED.read_bytes(), source="seed")


def test_seed_page_is_impersonation_with_the_right_reasons(seed_result):
    r = seed_result
    assert r.verdict == "impersonation" and r.score == 1.0
    assert r.brands == ("索立捷",) and r.numbers == ("+864001865909",)
    codes = {x.code: x for x in r.reasons}
    assert {"brand_hotline", "official_claim", "region_stuffing", "call_bait", "padding"} <= set(codes)
    assert any("400-1865-909" in e.text for e in codes["brand_hotline"].evidence)
    assert any(w in e.text for e in codes["official_claim"].evidence for w in ("厂家", "总部", "全国统一", "官方"))
    assert "407 place names" in codes["region_stuffing"].message
    assert "点击咨询" in codes["call_bait"].message and "repeated 10 times" in codes["call_bait"].message
    assert "刷单炒信" in SEED.read_text(encoding="utf-8")[codes["padding"].evidence[0].start :][:400]


def test_seed_page_with_the_number_registered_for_the_brand_is_not_impersonation():
    reg = MappingRegistry({"索立捷": ["400-1865-909"]})
    r = scan_page(SEED.read_bytes(), registry=reg)
    assert r.verdict != "impersonation"
    assert "verified_number" in {x.code for x in r.reasons}


def test_registry_knows_other_numbers_for_the_brand():
    reg = MappingRegistry({"索立捷": ["400-800-1234"], "凯迪仕": ["400-1865-909"]})
    r = scan_page(SEED.read_bytes(), registry=reg)
    codes = {x.code for x in r.reasons}
    assert r.verdict == "impersonation" and ("not_brand_number" in codes or "number_of_other_brand" in codes)
    r = scan_text("凯迪仕智能锁全国统一售后电话：400-1865-909", registry=MappingRegistry({"德施曼": ["400-1865-909"]}))
    assert "number_of_other_brand" in {x.code for x in r.reasons}


def dev_pages():
    with open(DEV / "labels.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield row["file"], (DEV / row["file"]).read_bytes().split(b"\n", 1)[1], row["label"] == "pos"


def test_dev_pages_precision_and_recall_floor(scanner):
    """Regression floor on hotline-pages-dev (the figure itself is measured in benchmarks/bench_scanner.py)."""
    pos_hits, false_alarms = 0, []
    for name, data, fake in dev_pages():
        r = scanner.scan(data, source=name)
        if fake:
            pos_hits += r.verdict == "impersonation"
            assert r.verdict != "clean", name
        elif r.verdict != "clean":
            false_alarms.append((name, r.verdict))
    assert false_alarms == []
    assert pos_hits >= 27


LOOK_ALIKES = {
    "own brand page": "德业服务承诺\n1、设立24小时服务咨询、投诉热线400-888-0828；\n"
    "2、本公司严格执行三包规定，24小时内上门服务。",
    "warning news": "记者调查：搜索“格力空调维修”排名靠前的网页自称格力官方售后，电话400-1616-1234。格力客服表示，"
    "官方热线只有400-8365-315，提醒消费者警惕李鬼维修，已被骗的可向消协投诉。",
    "repair guide": "海尔冰箱不制冷怎么办？本文教你排查。"
    "如果在保修期内，建议拨打海尔官方客服电话400-699-9999预约上门。",
    "brushing news": "刷单炒信是通过虚假交易虚增销量的不正当行为。法院判决某公司赔礼道歉，律师提醒平台强化监测。",
    "regulator": "市场监管局提醒：冒充品牌售后的400电话多为李鬼，诈骗手法包括虚报故障、乱收费。请通过品牌官网核实。",
}


@pytest.mark.parametrize("kind", sorted(LOOK_ALIKES))
def test_honest_look_alikes_are_clean(scanner, kind):
    assert scanner.scan(LOOK_ALIKES[kind]).verdict == "clean"


def test_page_without_a_brand_is_at_most_suspicious(scanner):
    text = (
        "全国家电售后服务中心\n24小时服务热线：400-1865-909（点击咨询）\n各区维修网点、一站式服务、上门服务、清洗保养"
    )
    r = scanner.scan(text)
    assert r.brands == () and r.verdict in ("suspicious", "clean")


SIMPLIFIED = (
    '<html><head><meta charset="iso-8859-1"></head><body><div>威能壁挂炉咨询电话：4006-189123'
    "<p>威能壁挂炉全国统一售后服务热线 4006-189123（点击咨询）<p>各区维修服务网点，一站式服务"
)
TRADITIONAL = (
    '<html><head><meta charset="utf-8"></head><body><div>威能壁掛爐咨詢電話：4006-189123'
    "<p>威能壁掛爐全國統一售後服務熱線 4006-189123（點擊諮詢）<p>各區維修服務網點，一站式服務"
)


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-16"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "gb18030"),
    ],
)
def test_encodings_with_wrong_or_missing_declarations(scanner, page, encoding):
    r = scanner.scan(page.encode(encoding))
    assert r.error is None and r.brands == ("威能",) and r.numbers == ("+864006189123",)
    assert r.verdict == "impersonation"


def test_broken_html_and_unclosed_script(scanner):
    page = "<div><p>凯迪仕智能锁厂家售后服务热线<b>400-1865-909</p><script>var x='400-000-0000'; <p><!-- 4008001234"
    r = scanner.scan(page.encode("utf-8"))
    assert r.numbers == ("+864001865909",)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"   \n\t", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary")],
)
def test_unreadable_pages_give_a_clear_error_result(scanner, data, message):
    r = scanner.scan(data, source="x")
    assert r.verdict == "error" and message in r.error and r.to_dict()["error"]


def test_huge_page_is_read_up_to_max_bytes(tmp_path):
    big = ("凯迪仕智能锁全国统一售后服务热线400-1865-909\n" + "填充文字" * 100_000).encode("utf-8")
    path = tmp_path / "big.html"
    path.write_bytes(big * 3)
    s = Scanner(max_bytes=200_000)
    r = s.scan_file(path)
    assert r.truncated and r.error is None and r.numbers == ("+864001865909",)
    assert s.scan_file(tmp_path / "missing.html").verdict == "error"


def test_constructor_validates():
    with pytest.raises(ValueError, match="thresholds"):
        Scanner(impersonation_at=2, suspicious_at=3)
    with pytest.raises(ValueError, match="max_bytes"):
        Scanner(max_bytes=10)
    with pytest.raises(ValueError, match="numbers_for"):
        Scanner(registry={"威能": ["4007001890"]})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        scan_text(b"bytes")  # type: ignore[arg-type]


def test_json_shape(seed_result):
    d = json.loads(json.dumps(seed_result.to_dict(), ensure_ascii=False))
    assert {"source", "verdict", "score", "reasons", "numbers", "brands"} <= set(d)
    assert d["reasons"][0]["evidence"][0]["text"]


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result(data):
    r = Scanner().scan(data)
    assert r.verdict in VERDICTS and 0.0 <= r.score <= 1.0
    assert (r.verdict == "error") == (r.error is not None)


words = st.sampled_from(
    [
        "凯迪仕",
        "智能锁",
        "售后",
        "服务热线",
        "400-1865-909",
        "(点击咨询)",
        "官方",
        "、",
        "\n",
        "渭南市大荔县",
        "记者",
        "本公司",
        "全国统一",
        "各区",
        "维修",
        "。",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(words, max_size=30))
def test_evidence_spans_index_the_plain_text(parts):
    text = "".join(parts)
    r = Scanner().scan(text)
    for reason in r.reasons:
        for e in reason.evidence:
            assert text[e.start : e.end] == e.text


def test_brand_named_as_page_owner_keeps_its_own_page_clean(scanner):
    page = (
        "<title>海尔-服务与支持</title><h1>服务与支持</h1><p>海尔服务热线：400-699-9999</p><p>版权所有 © 海尔集团</p>"
    )
    r = scanner.scan(page)
    assert r.verdict == "clean" and "brand_owns_page" in {x.code for x in r.reasons}
    platform = page.replace("版权所有 © 海尔集团", "版权所有 © 某某商务网") + "<p>海尔售后24小时全国统一报修</p>"
    assert scanner.scan(platform).verdict == "impersonation"


def test_unparsed_numbers_and_places_are_reported(scanner):
    places = "、".join(["渭南市大荔县", "黔东南黄平县", "直辖县仙桃市", "火星市奥林匹斯区", "中山市南区街道"] * 3)
    r = scanner.scan("威能售后电话：400-XXX-XXXX，4006-189123\n" + places)
    assert r.unresolved_places == ("火星市奥林匹斯区",)
    assert r.rejected_numbers == ("400-XXX-XXXX: placeholder digits (X, ×, *) instead of a number",)
    assert r.to_dict()["unresolved_places"] == ["火星市奥林匹斯区"]


def test_seed_page_places_all_resolve(seed_result):
    assert seed_result.unresolved_places == ()


def test_a_fake_desk_naming_itself_in_the_footer_is_not_the_brand(scanner):
    page = (
        "<h1>海尔空调售后服务电话</h1><p>海尔空调全国统一客服热线：400-123-4567</p>"
        "<p>©2024 海尔空调售后维修服务中心 版权所有</p>"
    )
    r = scanner.scan(page)
    assert r.verdict == "impersonation" and "brand_owns_page" not in {x.code for x in r.reasons}
