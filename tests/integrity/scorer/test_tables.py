"""The scorer's CSV inputs: every malformed file is refused with its name, line and the fix."""

from __future__ import annotations

import pytest

from anxin.errors import InvalidInput
from anxin.integrity.scorer.tables import read_tables

FEATURES = "id,orders,age\na,3,10\nb,1,\nc,7,2\nd,0,5\n"
LABELS = "id,label\na,1\nb,0\nc,\nd,0\n"


def files(tmp_path, **contents):
    paths = {}
    for name, text in contents.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def test_good_files_are_read_in_order_with_missing_values_and_unlabelled_rows(tmp_path):
    p = files(tmp_path, f=FEATURES, l=LABELS, e="src,dst\na,b\nc,d\n", t='id,text\na,"超赞, 物美价廉"\nc,fine\n')
    t = read_tables(p["f"], p["l"], p["e"], p["t"])
    assert t.ids == ["a", "b", "c", "d"] and t.feature_names == ["orders", "age"]
    assert t.labels[2] != t.labels[2]  # NaN: unlabelled
    assert t.labelled.tolist() == [0, 1, 3]
    assert t.edges.tolist() == [[0, 1], [2, 3]]
    assert t.texts == ["超赞, 物美价廉", "", "fine", ""]


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        ("f", "name,orders\na,1\n", r"f.csv line 1: header is name,orders; the features file needs the columns id"),
        ("f", "id\na\n", r"line 1: no feature columns"),
        ("f", "id,orders\na,1\nb,lots\n", r"f.csv line 3: column 'orders' holds 'lots', not a number"),
        ("f", "id,orders\na,1\na,2\n", r"line 3: id 'a' repeated"),
        ("f", "id,orders,age\na,1\n", r"line 2: 2 columns, the header has 3"),
        ("f", "", r"empty file"),
        ("l", "id,label\nzz,1\n", r"l.csv line 2: id 'zz' is not in the features file"),
        ("l", "id,label\na,yes\n", r"line 2: label 'yes'; use 1 \(fraud\), 0 \(genuine\)"),
        ("l", "id,label\na,1\nc,1\n", r"only label 1; the scorer needs both"),
        ("l", "id,fraud\na,1\n", r"the labels file needs the columns id,label"),
        ("e", "src,dst\na,nobody\n", r"e.csv line 2: id 'nobody' is not in the features file; edges must join known"),
        ("t", "id,text\nghost,hi\n", r"t.csv line 2: id 'ghost' is not in the features file"),
    ],
)
def test_malformed_inputs_name_the_file_line_and_fix(tmp_path, which, content, message):
    contents = {"f": FEATURES, "l": LABELS, "e": "src,dst\n", "t": "id,text\n", which: content}
    p = files(tmp_path, **contents)
    with pytest.raises(InvalidInput, match=message):
        read_tables(p["f"], p["l"], p["e"], p["t"])


def test_a_missing_file_and_a_non_utf8_file_are_named(tmp_path):
    with pytest.raises(InvalidInput, match=r"features file .*nope\.csv does not exist"):
        read_tables(tmp_path / "nope.csv", tmp_path / "l.csv")
    bad = tmp_path / "gbk.csv"
    bad.write_bytes("id,评分\na,1\n".encode("gbk"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_tables(bad, tmp_path / "l.csv")
