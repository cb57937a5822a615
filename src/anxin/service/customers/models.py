"""Customers: no personal field is stored in clear (see anxin.privacy)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anxin.store.base import Base, UtcDateTime, utcnow


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("brand_id", "phone_index", name="uq_customers_brand_phone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id"), index=True)
    phone_sealed: Mapped[str] = mapped_column(Text)  # AES-GCM token, context "customers.phone"
    phone_index: Mapped[str] = mapped_column(String(32))  # keyed HMAC of the E.164 number
    phone_masked: Mapped[str] = mapped_column(String(16))  # 138****5678: safe to show and to log
    name_sealed: Mapped[str] = mapped_column(Text)
    member_tier_id: Mapped[int | None] = mapped_column(ForeignKey("member_tiers.id"), index=True)  # set by the brand
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
