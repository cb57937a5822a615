"""Crawl mode: the number ↔ brand graph across many pages, and the pages it incriminates.

Problem: one fake network serves dozens of brands from one 400 number (all 29
fake pages of the dev set share 4006-189123 across 26 brands). A single page
shows one brand; only the crawl shows the number answering for many. Every
page's offers (number, brand) become edges of a bipartite graph; a number
joined to at least ``min_brands`` brands is reported with the pages that prove
each edge, and each of those pages gets a crawl-level reason and is scored
again. Cost: O(pages + offers); the graph holds one set per number.

>>> g = NumberBrandGraph()
>>> g.add_offer("+864006189123", "威能", "a.html"); g.add_offer("+864006189123", "林内", "b.html")
>>> g.add_offer("+864006189123", "海尔", "c.html"); g.add_offer("+864007001890", "威能", "vaillant.cn")
>>> [(s.number, s.brands) for s in g.shared(min_brands=3)]
[('+864006189123', ('威能', '林内', '海尔'))]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from anxin.errors import AnxinError
from anxin.hotline.scanner.signals import Reason
from anxin.hotline.scanner.verdict import PageResult, Scanner


@dataclass(frozen=True, slots=True)
class SharedNumber:
    """A number offered for several brands, with the pages (sources) behind each brand."""

    number: str
    brands: tuple[str, ...]
    pages_by_brand: dict[str, tuple[str, ...]]

    @property
    def pages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for ps in self.pages_by_brand.values() for p in ps))

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "brands": list(self.brands),
            "pages_by_brand": {b: list(p) for b, p in self.pages_by_brand.items()},
        }


class NumberBrandGraph:
    """Edges number → brand → pages, in the order they were seen."""

    def __init__(self) -> None:
        self._edges: dict[str, dict[str, list[str]]] = {}

    def add_offer(self, number: str, brand: str, source: str) -> None:
        pages = self._edges.setdefault(number, {}).setdefault(brand, [])
        if source not in pages:
            pages.append(source)

    def add_result(self, result: PageResult) -> None:
        for o in result.offers:
            if o.brand is not None:
                self.add_offer(o.number, o.brand, result.source)

    def brands_of(self, number: str) -> tuple[str, ...]:
        return tuple(self._edges.get(number, {}))

    def shared(self, *, min_brands: int = 3) -> list[SharedNumber]:
        """Numbers joined to at least ``min_brands`` brands, most brands first."""
        out = [
            SharedNumber(n, tuple(by_brand), {b: tuple(p) for b, p in by_brand.items()})
            for n, by_brand in self._edges.items()
            if len(by_brand) >= min_brands
        ]
        return sorted(out, key=lambda s: (-len(s.brands), s.number))


@dataclass(frozen=True)
class CrawlReport:
    """Every page's result (after crawl-level evidence), the shared numbers, and counts by verdict."""

    pages: tuple[PageResult, ...]
    shared_numbers: tuple[SharedNumber, ...]
    counts: dict[str, int] = field(default_factory=dict)


def scan_crawl(
    pages: Iterable[tuple[str, bytes | str | AnxinError]],
    *,
    scanner: Scanner | None = None,
    min_brands: int = 3,
) -> CrawlReport:
    """Scan ``(source, page)`` pairs, build the graph, and add the evidence only a crawl has.

    A page given as an error (from :func:`anxin.hotline.scanner.sources.iter_pages`)
    becomes an ``error`` result; one bad page never stops the crawl.
    """
    if min_brands < 2:
        raise ValueError("min_brands must be at least 2: one number for one brand is not shared")
    scanner = scanner if scanner is not None else Scanner()
    graph = NumberBrandGraph()
    results: list[PageResult] = []
    for source, page in pages:
        if isinstance(page, AnxinError):
            results.append(PageResult(source, "error", 0.0, 0.0, (), (), (), error=page.message))
            continue
        result = scanner.scan(page, source=source)
        results.append(result)
        graph.add_result(result)
    shared = graph.shared(min_brands=min_brands)
    by_number = {s.number: s for s in shared}
    final: list[PageResult] = []
    for r in results:
        hits = [by_number[o.number] for o in r.offers if o.number in by_number]
        if not hits:
            final.append(r)
            continue
        s = hits[0]
        others = [p for p in s.pages if p != r.source][:5]
        reason = Reason(
            "number_across_crawl",
            3.0,
            f"{s.number} is offered for {len(s.brands)} brands across the crawl "
            f"({', '.join(s.brands[:8])}{' …' if len(s.brands) > 8 else ''}); also on: {', '.join(others)}",
            (),
        )
        final.append(scanner.rescore(r, [reason]))
    counts: dict[str, int] = {}
    for r in final:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    return CrawlReport(tuple(final), tuple(shared), counts)
