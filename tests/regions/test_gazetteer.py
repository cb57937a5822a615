import pytest

from anxin.errors import InvalidInput, NotFound
from anxin.regions.gazetteer import Gazetteer, StaleName, default_gazetteer


@pytest.fixture(scope="module")
def g():
    return default_gazetteer()


def test_counts_match_the_nbs_2023_tree(g):
    levels = {}
    for d in g:
        levels[d.level] = levels.get(d.level, 0) + 1
    assert levels == {"province": 31, "prefecture": 342, "county": 2978, "township": 41352}


def test_parent_is_the_code_prefix_and_exists(g):
    for d in g:
        if d.parent is not None:
            assert d.code.startswith(d.parent)
            assert d.parent in g


def test_quirks_from_the_readme(g):
    assert g["429004"].name == "仙桃市" and g["4290"].is_placeholder
    assert [d.code for d in g.path("442000005")] == ["44", "4420", "442000", "442000005"]
    assert g.full_name("110105") == "北京市朝阳区"
    assert g["610523"].code12 == "610523000000"


def test_children_and_errors(g):
    assert {d.name for d in g.children("6105")} >= {"大荔县", "临渭区"}
    assert len(g.children(None)) == 31
    with pytest.raises(InvalidInput):
        g.children("999999")
    with pytest.raises(NotFound):
        g["999999"]


def test_coords_for_counties_and_towns(g):
    lng, lat = g.coords("610523")
    assert 109 < lng < 111 and 34 < lat < 35.5
    assert g.coords("469026200") == g.coords("469026")


def test_learning_only_points_are_not_shipped_but_fall_back(g):
    # 龙华区 (Shenzhen, 440309) has only a geotool-cn centre in the shared data: kept out of the package.
    assert "440309" in g
    assert g._coords.get("440309") is None
    assert g.coords("440309") is not None


def test_constructor_validates():
    with pytest.raises(ValueError, match="no parent"):
        Gazetteer({"6105": "渭南市"})
    with pytest.raises(ValueError, match="2, 4, 6 or 9"):
        Gazetteer({"123": "x"})
    with pytest.raises(ValueError, match="unknown codes"):
        Gazetteer({"61": "陕西省"}, stale=[StaleName("6101", "x", "merged_or_renamed", ("6199",))])


def test_stale_names_shipped(g):
    by_name = {s.old_name: s for s in g.stale}
    assert by_name["江干区"].successors == ("330102", "330114")
    assert by_name["东升镇"].successors == ("442000118",)


def test_load_from_a_directory_without_data_says_how_to_fix(tmp_path):
    with pytest.raises(NotFound, match="build_gazetteer"):
        Gazetteer.load(tmp_path)
