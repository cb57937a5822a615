"""Resolver tests. Expected codes were looked up by hand in ``../shared/data/cn-divisions/modood/*.csv``
(grep for the last name, check its parent), never copied from the resolver's output."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.errors import InvalidInput
from anxin.regions.gazetteer import default_gazetteer
from anxin.regions.resolver import Resolver, resolve, resolve_list, split_places

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds" / "fake-hotline-page-1.txt"

# name on the seed page (or in the brief) -> code read from modood/areas.csv or streets.csv
HAND_CODES = {
    "渭南市大荔县": "610523",
    "黔东南黄平县": "522622",
    "内蒙古兴安盟突泉县": "152224",
    "直辖县仙桃市": "429004",
    "昌江黎族自治县王下乡": "469026200",
    "中山市南区街道": "442000005",
    "琼海市博鳌镇": "469002104",
    "东莞市麻涌镇": "441900126",
    "广西贺州市富川瑶族自治县": "451123",
    "迪庆香格里拉市": "533401",
    "内蒙古鄂尔多斯市康巴什区": "150603",
    "乐东黎族自治县尖峰镇": "469027109",
    "嘉峪关市峪泉镇": "620201101",
    "宜昌市长阳土家族自治县": "420528",
    "内蒙古呼伦贝尔市扎兰屯市": "150783",
    "洛阳市偃师区": "410307",
    "内蒙古锡林郭勒盟苏尼特左旗": "152523",
    "普洱市澜沧拉祜族自治县": "530828",
    "海西蒙古族乌兰县": "632821",
    "定安县龙河镇": "469021106",
    "怒江傈僳族自治州泸水市": "533301",
    "白沙黎族自治县荣邦乡": "469025206",
    "阿坝藏族羌族自治州金川县": "513226",
    "五指山市毛阳": "469001102",
    "临高县加来镇": "469024401",
    "温州市龙港市": "330383",
    "广西南宁市横州市": "450181",
    "内蒙古阿拉善盟阿拉善右旗": "152922",
    "大兴安岭地区漠河市": "232701",
    "延边安图县": "222426",
    "阳泉市城区": "140302",
    "阳泉市郊区": "140311",
    "汕尾市城区": "441502",
    "攀枝花市东区": "510402",
    "儋州市峨蔓镇": "460400109",
    "屯昌县屯城镇": "469022100",
    "临夏临夏市": "622901",
    "大理弥渡县": "532925",
    "文昌市会文镇": "469005103",
    "三沙市西沙区": "460321",
    "湘西州吉首市": "433101",
    "天津市北辰区": "120113",
    "重庆市南川区": "500119",
}


def seed_place_names() -> list[str]:
    """The region-list items of the seed page: lines that are 、-separated lists, not article prose."""
    names = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if "、" in line and not any(p in line for p in "，。“"):
            names += split_places(line)
    return names


@pytest.fixture(scope="module")
def resolver():
    return Resolver(cache_size=0)


@pytest.mark.parametrize(("name", "code"), sorted(HAND_CODES.items()))
def test_hand_checked_codes(resolver, name, code):
    r = resolver.resolve(name)
    assert r.code == code, (name, r)
    assert "ambiguous" not in r.flags and "partial" not in r.flags


def test_every_seed_place_name_resolves_to_one_current_unit(resolver):
    names = seed_place_names()
    assert len(names) == 407 and len(set(names)) == 382
    hand = sum(1 for n in set(names) if n in HAND_CODES)
    assert hand >= 35
    for name in set(names):
        r = resolver.resolve(name)
        assert r.code is not None and r.code in default_gazetteer(), (name, r)
        assert not {"ambiguous", "partial", "unresolved"} & set(r.flags), (name, r)
        # The last name written is the unit's own name, a stem of it, or a stale name.
        assert name.endswith(r.path[-1]) or r.path[-1][:2] in name or "stale_name" in r.flags, (name, r)


def test_stale_names_resolve_to_current_codes(resolver):
    r = resolver.resolve("杭州市江干区")
    assert r.code == "330102" and "stale_name" in r.flags and "split_successor" in r.flags
    assert [c.code for c in r.candidates] == ["330102", "330114"]
    r = resolver.resolve("中山市东升镇")
    assert (r.code, r.flags) == ("442000118", ("stale_name",))
    assert r.path[-1] == "小榄镇"
    r = resolver.resolve("宜宾县")  # merged into 叙州区 (511504)
    assert r.code == "511504" and "stale_name" in r.flags


def test_every_historical_alias_reaches_a_successor(resolver):
    g = resolver.gazetteer
    current = {d.name for d in g}
    checked = 0
    for s in g.stale:
        if not s.successors or s.old_name in current:
            continue
        city = g.get(s.old_code[:4]) or g[s.successors[0][:4]]
        prefix = g[city.code[:2]].name if city.is_placeholder else city.name
        r = resolver.resolve(prefix + s.old_name)
        assert r.code in s.successors and "stale_name" in r.flags, (s, r)
        checked += 1
    assert checked > 80


def test_abolished_without_successor_points_to_the_parent(resolver):
    r = resolver.resolve("伊春市美溪区")
    assert r.code == "2307" and {"stale_name", "no_successor"} <= set(r.flags)


def test_bare_ambiguous_names_are_not_guessed(resolver):
    r = resolver.resolve("朝阳区")
    assert r.code is None and r.flags == ("ambiguous",)
    assert [c.code for c in r.candidates] == ["110105", "220104"]
    assert len(resolver.resolve("鼓楼区").candidates) == 4
    assert resolver.resolve("北京市朝阳区").code == "110105"
    assert resolver.resolve("长春市朝阳区").code == "220104"


def test_short_and_partial_and_unknown(resolver):
    r = resolver.resolve("北京")
    assert r.code == "11" and "short_name" in r.flags and r.confidence < 1
    r = resolver.resolve("服务区域北京市朝阳区")
    assert r.code == "110105" and "partial" in r.flags and r.confidence <= 0.5
    r = resolver.resolve("索立捷智能锁")
    assert r.code is None and r.flags == ("unresolved",) and r.confidence == 0
    assert resolver.resolve("").flags == ("unresolved",)


def test_to_dict_has_the_cli_fields():
    d = resolve("渭南市大荔县").to_dict()
    assert d["code"] == "610523" and d["path"] == ["陕西省", "渭南市", "大荔县"] and d["level"] == "county"
    assert set(d) >= {"input", "code", "path", "level", "flags", "candidates"}


def test_split_places():
    assert split_places("a、b,c，d\ne  f;g；h") == list("abcdefgh")
    assert split_places(" 、\n") == []
    assert [r.code for r in resolve_list("渭南市大荔县、朝阳区")] == ["610523", None]
    with pytest.raises(InvalidInput):
        split_places(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        resolve(123)  # type: ignore[arg-type]


def test_constructor_validates():
    with pytest.raises(ValueError, match="cache_size"):
        Resolver(cache_size=-1)
    with pytest.raises(ValueError, match="max_candidates"):
        Resolver(max_candidates=0)


def test_memo_returns_the_same_result_and_stays_bounded():
    r = Resolver(default_gazetteer(), cache_size=2)
    a = r.resolve("渭南市大荔县")
    assert r.resolve("渭南市大荔县") is a
    for n in ["朝阳区", "鼓楼区", "北京"]:
        r.resolve(n)
    assert len(r._memo) <= 2


def test_every_unit_resolves_from_its_full_name(resolver):
    """Exhaustive round trip over all ~45k units (placeholders and same-name copies resolve to the parent)."""
    g = resolver.gazetteer
    for d in g:
        expected = d.code
        while g[expected].is_placeholder or (
            g[expected].parent is not None and g[g[expected].parent].name == g[expected].name
        ):
            expected = g[expected].parent
        if d.is_placeholder:
            continue
        assert resolver.resolve(g.full_name(d.code)).code == expected, d


units = st.sampled_from([d.code for d in default_gazetteer() if d.level in ("county", "township")])


@settings(max_examples=200, deadline=None)
@given(units)
def test_idempotent_on_its_own_path(resolver, code):
    first = resolver.resolve(default_gazetteer().full_name(code))
    again = resolver.resolve("".join(first.path))
    assert again.code == first.code


@settings(max_examples=200, deadline=None)
@given(units)
def test_city_plus_county_form_resolves(resolver, code):
    g = default_gazetteer()
    county = g[code[:6]]
    city = g[county.parent]
    if city.is_placeholder or county.name == city.name or county.code.startswith("2307"):
        return
    r = resolver.resolve(city.name + county.name)
    assert r.code == county.code


@given(st.text(max_size=30))
def test_never_raises_on_any_text(text):
    r = resolve(text)
    assert r.code is None or r.code in default_gazetteer()
    assert 0.0 <= r.confidence <= 1.0


@given(
    st.lists(st.text(alphabet="渭南市大荔县朝阳区", min_size=1, max_size=6), max_size=8),
    st.sampled_from(["、", ",", "，", "\n", " ", "；"]),
)
def test_split_round_trip(items, sep):
    assert split_places(sep.join(items)) == items
