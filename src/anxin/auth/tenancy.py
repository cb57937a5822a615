"""Brands are the tenants: a brand's staff see only their brand's rows. Services never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth.models import Brand
from anxin.errors import Conflict, NotFound


def get_brand(session: Session, *, brand_id: int) -> Brand:
    brand = session.get(Brand, brand_id)
    if brand is None:
        raise NotFound(f"brand {brand_id} does not exist", message_zh=f"品牌 {brand_id} 不存在")
    return brand


def get_brand_by_slug(session: Session, *, slug: str) -> Brand | None:
    return session.scalar(select(Brand).where(Brand.slug == slug))


def list_brands(session: Session) -> list[Brand]:
    return list(session.scalars(select(Brand).order_by(Brand.id)))


def create_brand(session: Session, *, slug: str, name_zh: str, name_en: str) -> Brand:
    if get_brand_by_slug(session, slug=slug) is not None:
        raise Conflict(f"a brand with slug {slug!r} exists already", message_zh=f"品牌标识 {slug} 已存在")
    brand = Brand(slug=slug, name_zh=name_zh, name_en=name_en)
    session.add(brand)
    session.flush()
    return brand
