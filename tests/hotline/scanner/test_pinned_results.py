"""Full scan results pinned before the scanner was optimised: speed work must not change a verdict, point or span.

The pinned file holds every field of every :class:`PageResult` (reasons with their
evidence spans, offers, unresolved places, encoding) for the seed page, the seed
inside a large GB18030 HTML page, and every labelled dev page read as UTF-8 and as
GB18030 bytes, alone and as one crawl. After a deliberate change of behaviour,
rewrite it with ``python tests/hotline/scanner/test_pinned_results.py`` and review
the diff.
"""

import csv
import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from anxin.hotline.scanner import PageResult, Scanner, scan_crawl

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
SEED = SHARED / "seeds" / "fake-hotline-page-1.txt"
DEV = SHARED / "data" / "hotline-pages-dev"
PINNED = Path(__file__).with_name("pinned") / "scan_results.json.gz"


def big_html_page(text: str) -> bytes:
    """The text inside ~140 KB of markup, as crawlers save pages: scripts, styles, comments, entities, navigation."""
    nav = "".join(
        f'<li class="nav"><a href="/c/{i}.html" title="分类{i}">栏目{i}&nbsp;&gt;</a></li>' for i in range(300)
    )
    script = "<SCRIPT type='text/javascript'>" + "if(a<b){x='</p>'};" * 2500 + "</script >"
    head = script + "<style>" + ".x{color:red}" * 3000 + "</style><!-- 统计代码 <p>不是正文</p> -->"
    body = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    page = f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body><ul>{nav}</ul>{body}<noscript>x'
    return (page + f"</noscript>{nav}</body></html>").encode("gb18030")


def pages() -> list[tuple[str, bytes]]:
    """(name, bytes) of every pinned input."""
    seed = SEED.read_bytes()
    out = [("seed", seed), ("seed as big HTML", big_html_page(seed.decode("utf-8")))]
    with open(DEV / "labels.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            data = (DEV / row["file"]).read_bytes().split(b"\n", 1)[1]
            out += [(row["file"], data), (row["file"] + " (gb18030)", data.decode("utf-8").encode("gb18030"))]
    return out


def as_json(result: PageResult) -> dict:
    return json.loads(json.dumps(dataclasses.asdict(result), ensure_ascii=False))


def current_results() -> dict[str, dict]:
    scanner = Scanner()
    inputs = pages()
    out = {name: as_json(scanner.scan(data, source=name)) for name, data in inputs}
    crawl = scan_crawl([(name, data) for name, data in inputs if not name.endswith("(gb18030)")], scanner=scanner)
    out |= {f"crawl: {r.source}": as_json(r) for r in crawl.pages}
    return out


@pytest.fixture(scope="module")
def pinned() -> dict[str, dict]:
    with gzip.open(PINNED, "rt", encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def current() -> dict[str, dict]:
    return current_results()


def test_the_same_pages_are_pinned(pinned, current):
    assert sorted(current) == sorted(pinned)
    assert len(current) == 2 + 2 * 67 + 69


def test_seed_page_result_is_unchanged(pinned, current):
    assert current["seed"] == pinned["seed"]
    assert current["seed as big HTML"] == pinned["seed as big HTML"]


def test_every_pinned_result_is_unchanged(pinned, current):
    changed = [name for name in pinned if current[name] != pinned[name]]
    assert changed == []


if __name__ == "__main__":
    with gzip.open(PINNED, "wt", encoding="utf-8") as f:
        json.dump(current_results(), f, ensure_ascii=False, indent=1, sort_keys=True)
