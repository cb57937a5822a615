"""Scanner results in the database: the verified registry fed to the scanner, stored pages, analyst review.

A confirmed impersonation page raises one fake-number report per (number,
brand) the page offered, so the public number check shows it from then on.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth.models import Brand
from anxin.errors import Conflict, NotFound
from anxin.hotline import service as hotlines
from anxin.hotline.models import Hotline, ScannedPage
from anxin.hotline.scanner import MappingRegistry, PageResult
from anxin.hotline.schemas import HotlineStatus
from anxin.store.base import utcnow

REVIEWS = ("new", "confirmed", "dismissed")


def registry_for_scanner(session: Session) -> MappingRegistry:
    """Verified numbers by every name of their brand, the shape the pure scanner reads."""
    numbers: dict[str, list[str]] = {}
    rows = session.execute(
        select(Brand, Hotline.display)
        .join(Hotline, Hotline.brand_id == Brand.id)
        .where(Hotline.status == HotlineStatus.verified)
    )
    for brand, display in rows:
        for name in {brand.name_zh, brand.name_en, hotlines.without_demo_marker(brand.name_zh)}:
            numbers.setdefault(name, []).append(display)
    return MappingRegistry(numbers)


def store_results(session: Session, results: Iterable[PageResult]) -> list[ScannedPage]:
    """Keep pages worth a look (impersonation, suspicious); clean and unreadable pages are not stored."""
    rows = [
        ScannedPage(
            source=r.source[:2048],
            verdict=r.verdict,
            score=r.score,
            result=r.to_dict(),
            claims=sorted({(o.number, o.brand or "") for o in r.offers}),
        )
        for r in results
        if r.verdict in ("impersonation", "suspicious")
    ]
    session.add_all(rows)
    session.flush()
    return rows


def list_scanned(session: Session, *, review: str | None = "new", limit: int = 200) -> list[ScannedPage]:
    query = select(ScannedPage).order_by(ScannedPage.score.desc(), ScannedPage.id.desc()).limit(limit)
    if review is not None:
        query = query.where(ScannedPage.review == review)
    return list(session.scalars(query))


def review_page(session: Session, *, page_id: int, confirm: bool, actor: auth.Principal) -> ScannedPage:
    """Confirm (raise reports against the page's numbers) or dismiss a stored page, once."""
    page = session.get(ScannedPage, page_id)
    if page is None:
        raise NotFound(f"scanned page {page_id} does not exist", message_zh=f"扫描记录 {page_id} 不存在")
    if page.review != "new":
        raise Conflict(f"page {page_id} was already {page.review}", message_zh=f"该页面已处理（{page.review}）")
    page.review = "confirmed" if confirm else "dismissed"
    page.reviewed_by = actor.user_id
    page.reviewed_at = utcnow()
    if confirm:
        for number, brand in page.claims:
            hotlines.report_fake(
                session,
                number=number,
                claimed_brand=brand,
                source_url=page.source if page.source.startswith(("http://", "https://")) else None,
                note=f"confirmed from scanned page {page.source}",
                reporter=actor,
            )
    session.flush()
    return page
