import csv
from pathlib import Path

import pytest

from anxin.errors import InvalidInput
from anxin.hotline.scanner import NumberBrandGraph, Scanner, scan_crawl

DEV = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "hotline-pages-dev"


def test_graph_reports_numbers_serving_several_brands():
    g = NumberBrandGraph()
    for brand, page in [("威能", "a"), ("林内", "b"), ("林内", "c"), ("海尔", "d")]:
        g.add_offer("+864006189123", brand, page)
    g.add_offer("+864007001890", "威能", "e")
    (s,) = g.shared(min_brands=3)
    assert s.brands == ("威能", "林内", "海尔") and s.pages_by_brand["林内"] == ("b", "c")
    assert s.pages == ("a", "b", "c", "d") and g.shared(min_brands=4) == []


def test_crawl_over_the_dev_pages():
    labels = {}
    pages = []
    with open(DEV / "labels.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            labels[row["file"]] = row["label"] == "pos"
            pages.append((row["file"], (DEV / row["file"]).read_bytes().split(b"\n", 1)[1]))
    report = scan_crawl(pages, scanner=Scanner())
    top = report.shared_numbers[0]
    assert top.number == "+864006189123" and len(top.brands) >= 20
    assert all(labels[p] for p in top.pages)  # only fake pages are evidence
    for r in report.pages:
        assert (r.verdict == "impersonation") == labels[r.source], r.source
    crawl_reasons = [x for r in report.pages for x in r.reasons if x.code == "number_across_crawl"]
    assert len(crawl_reasons) >= 25 and "brands across the crawl" in crawl_reasons[0].message


def test_crawl_continues_past_bad_items():
    items = [("bad", InvalidInput("not json")), ("empty", b""), ("ok", "凯迪仕智能锁售后服务热线400-1865-909")]
    report = scan_crawl(items)
    assert [r.verdict for r in report.pages][:2] == ["error", "error"]
    assert report.pages[2].numbers == ("+864001865909",)
    assert report.counts["error"] == 2
    with pytest.raises(ValueError, match="min_brands"):
        scan_crawl([], min_brands=1)
