"""A brand's membership tiers. The customer points at its tier; each ticket copies the tier's promise at intake."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class MemberTier(Base):
    """One tier (普通会员, 金卡会员 …): a higher rank is a better tier."""

    __tablename__ = "member_tiers"
    __table_args__ = (
        UniqueConstraint("brand_id", "name", name="uq_member_tiers_brand_name"),
        UniqueConstraint("brand_id", "rank", name="uq_member_tiers_brand_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int] = mapped_column(Integer)
    priority_dispatch: Mapped[bool] = mapped_column(Boolean, default=False)  # offered to dispatch before lower tiers
    response_minutes: Mapped[int] = mapped_column(Integer)  # the response promise for this tier's tickets
    discount_percent: Mapped[int] = mapped_column(Integer, default=0)  # off the service charge
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
