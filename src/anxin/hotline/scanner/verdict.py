r"""Score a page from its signals and say impersonation / suspicious / clean, with the reasons.

Problem: the verdict must be explainable (an analyst and a court read the
reasons, not a probability) and must keep honest look-alikes clean. The score
is the sum of the signals' points (see :mod:`anxin.hotline.scanner.signals`);
a page that names no brand can be at most ``suspicious``, since impersonation
needs someone impersonated, and a page whose numbers are all verified for
their brand is at most ``suspicious``. ``score`` in the result is that sum mapped to
[0, 1] by ``points / (2 * impersonation_at)``, clipped. Cost: O(n) in the page
size, plus one resolver look-up per place-name item.

>>> seed = "索立捷智能锁全国统一报修服务热线\n索立捷智能锁客服专线电话(1)400-1865-909(点击咨询)"
>>> r = scan_text(seed + "\n" + "、".join(["渭南市大荔县", "黔东南黄平县", "直辖县仙桃市", "中山市南区街道"] * 4))
>>> r.verdict, r.brands, r.numbers
('impersonation', ('索立捷',), ('+864001865909',))
>>> scan_text("格力官方客服表示，400-1616-×××不是格力的电话，记者提醒消费者警惕李鬼维修").verdict
'clean'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from anxin.errors import InvalidInput
from anxin.hotline.phones import extract_phones
from anxin.hotline.scanner import context, signals
from anxin.hotline.scanner.extract import PageError, brand_mentions, page_text
from anxin.hotline.scanner.registry import EMPTY_REGISTRY, HotlineRegistry
from anxin.hotline.scanner.signals import Offer, Page, Reason
from anxin.regions.resolver import Resolver, default_resolver

VERDICTS = ("impersonation", "suspicious", "clean", "error")


@dataclass(frozen=True, slots=True)
class PageResult:
    """The scan of one page. ``error`` is set (and ``verdict`` is ``error``) when the page could not be read."""

    source: str
    verdict: str
    score: float
    points: float
    reasons: tuple[Reason, ...]
    numbers: tuple[str, ...]
    brands: tuple[str, ...]
    offers: tuple[Offer, ...] = ()
    rejected_numbers: tuple[str, ...] = ()
    unresolved_places: tuple[str, ...] = ()
    encoding: str | None = None
    truncated: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``anxin scan --json``: source, verdict, score, reasons, numbers, brands (+ error)."""
        out: dict[str, Any] = {
            "source": self.source,
            "verdict": self.verdict,
            "score": self.score,
            "reasons": [r.to_dict() for r in self.reasons],
            "numbers": list(self.numbers),
            "brands": list(self.brands),
        }
        if self.rejected_numbers:
            out["rejected_numbers"] = list(self.rejected_numbers)
        if self.unresolved_places:
            out["unresolved_places"] = list(self.unresolved_places)
        if self.truncated:
            out["truncated"] = True
        if self.error is not None:
            out["error"] = self.error
        return out


class Scanner:
    """Scans pages against a registry with fixed thresholds.

    Args:
        registry: verified numbers by brand; the empty registry by default, in
            which case no number can be verified and the text alone decides.
        impersonation_at: points from which a page with a brand is ``impersonation``. The
            default 4 is the threshold 5-fold cross-validation picks on the labelled dev pages
            (``benchmarks/bench_scanner.py``); honest look-alikes there score at most 2.5.
        suspicious_at: points from which a page is ``suspicious``.
        max_bytes: bytes read from a page at most (the rest is ignored and
            ``truncated`` is set), so a 500 MB file costs no more than this.
        resolver: the place-name resolver for region stuffing (shared by default).
    """

    def __init__(
        self,
        registry: HotlineRegistry | None = None,
        *,
        impersonation_at: float = 4.0,
        suspicious_at: float = 3.0,
        max_bytes: int = 4_000_000,
        resolver: Resolver | None = None,
    ):
        if not 0 < suspicious_at <= impersonation_at:
            raise ValueError("thresholds must satisfy 0 < suspicious_at <= impersonation_at (defaults 3 and 4)")
        if max_bytes < 1024:
            raise ValueError("max_bytes must be at least 1024; pages are read up to this many bytes")
        if registry is not None and not isinstance(registry, HotlineRegistry):
            raise ValueError("registry must have numbers_for(brand) and brands_for(number); see MappingRegistry")
        self.registry = registry if registry is not None else EMPTY_REGISTRY
        self.impersonation_at = impersonation_at
        self.suspicious_at = suspicious_at
        self.max_bytes = max_bytes
        self.resolver = resolver if resolver is not None else default_resolver()

    def scan(self, page: bytes | str, *, source: str = "") -> PageResult:
        """Scan one page (bytes in any Chinese encoding, HTML or text); unreadable pages give an error result."""
        try:
            pt = page_text(page, max_bytes=self.max_bytes)
        except PageError as exc:
            return PageResult(source, "error", 0.0, 0.0, (), (), (), error=exc.message)
        found = extract_phones(pt.text)
        mentions = brand_mentions(pt.folded)
        counts = Counter(m.brand for m in mentions)
        main = counts.most_common(1)[0][0] if counts else None
        p = Page(pt.text, pt.folded, list(found.numbers), mentions, main)
        p.offers = signals.find_offers(p)
        reasons: list[Reason] = []
        reasons += signals.brand_hotline(p, self.registry)
        reasons += signals.service_titles(p)
        reasons += signals.phone_headlines(p)
        reasons += signals.official_claim(p)
        reasons += signals.multi_brand_number(p)
        reasons += context.region_stuffing(p, self.resolver)
        reasons += context.call_bait(p)
        reasons += context.boilerplate(p)
        reasons += context.padding(p)
        reasons += context.counter_signals(p)
        offered_brands = [o.brand for o in p.offers if o.brand]
        brands = tuple(dict.fromkeys(offered_brands or ([main] if main else [])))
        result = PageResult(
            source,
            "clean",
            0.0,
            0.0,
            tuple(reasons),
            tuple(dict.fromkeys(n.e164 or n.digits for n in found.numbers)),
            brands,
            offers=tuple(p.offers),
            rejected_numbers=tuple(f"{r.raw}: {r.reason}" for r in found.rejected),
            unresolved_places=tuple(dict.fromkeys(p.unresolved_places)),
            encoding=pt.encoding,
            truncated=pt.truncated,
        )
        return self.rescore(result)

    def rescore(self, result: PageResult, extra: Sequence[Reason] = ()) -> PageResult:
        """Recompute verdict and score from the reasons (plus ``extra``, e.g. crawl-level evidence)."""
        if result.error is not None:
            return result
        reasons = tuple(result.reasons) + tuple(extra)
        points = round(sum(r.points for r in reasons), 2)
        # Impersonation needs someone impersonated and a line that is not theirs: a page whose
        # every offered number is verified for its brand is at most suspicious.
        unverified = any(r.code in ("brand_hotline", "number_of_other_brand") for r in reasons)
        if points >= self.impersonation_at and result.brands and unverified:
            verdict = "impersonation"
        elif points >= self.suspicious_at:
            verdict = "suspicious"
        else:
            verdict = "clean"
        score = round(min(1.0, max(0.0, points / (2 * self.impersonation_at))), 3)
        ordered = tuple(sorted(reasons, key=lambda r: -r.points)) if verdict != "clean" else reasons
        return replace(result, verdict=verdict, score=score, points=points, reasons=ordered)

    def scan_file(self, path: str | Path) -> PageResult:
        """Scan a saved page; reads at most ``max_bytes``; missing or unreadable files give an error result."""
        path = Path(path)
        try:
            with open(path, "rb") as f:
                data = f.read(self.max_bytes + 1)
        except OSError as exc:
            return PageResult(str(path), "error", 0.0, 0.0, (), (), (), error=f"cannot read file: {exc.strerror}")
        truncated = len(data) > self.max_bytes
        result = self.scan(data[: self.max_bytes], source=str(path))
        return replace(result, truncated=True) if truncated and result.error is None else result


def scan_text(text: str, *, source: str = "", registry: HotlineRegistry | None = None) -> PageResult:
    """Scan page text or HTML given as a string (see :class:`Scanner` for options)."""
    if not isinstance(text, str):
        raise InvalidInput(f"scan_text takes str, not {type(text).__name__}; use scan_page for bytes")
    return Scanner(registry).scan(text, source=source)


def scan_page(page: bytes | str, *, source: str = "", registry: HotlineRegistry | None = None) -> PageResult:
    """Scan one page given as bytes (any Chinese encoding) or text, HTML or plain."""
    return Scanner(registry).scan(page, source=source)
