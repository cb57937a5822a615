"""Hotline registry payloads at the HTTP edge."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class EvidenceKind(StrEnum):
    official_site = "official_site"
    manual_photo = "manual_photo"
    business_licence = "business_licence"
    carrier_contract = "carrier_contract"


class HotlineStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"
    revoked = "revoked"


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EvidenceKind
    url: HttpUrl | None = None
    description: str = Field(min_length=4, max_length=2000)


class HotlineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=3, max_length=64, description="As people write it: 400-186-5909, 95555, …")
    evidence: list[EvidenceIn] = Field(min_length=1, max_length=10)


class HotlineDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: HotlineStatus
    note: str = Field(default="", max_length=2000)


class EvidenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    url: str | None
    description: str
    added_at: datetime


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    actor_id: int
    note: str
    at: datetime


class HotlineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    number_key: str
    display: str
    kind: str
    status: HotlineStatus
    created_at: datetime
    updated_at: datetime


class HotlineDetail(HotlineRead):
    evidence: list[EvidenceRead]
    history: list[EventRead]


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=3, max_length=64)
    claimed_brand: str = Field(default="", max_length=128)
    source_url: HttpUrl | None = None
    note: str = Field(default="", max_length=2000)


class CheckVerdict(StrEnum):
    verified = "verified"  # the number is a verified line of the brand asked about (or of some brand)
    other_brand = "other_brand"  # verified, but for a different brand than the one asked about
    not_registered = "not_registered"  # no brand has verified this number


class BrandNumbers(BaseModel):
    brand_id: int
    brand: str
    numbers: list[str]


class CheckResult(BaseModel):
    number: str
    display: str
    kind: str
    verdict: CheckVerdict
    brand_asked: str | None
    brand_known: bool | None = Field(description="Whether the brand asked about is on anxin; None if none asked.")
    verified_for: list[BrandNumbers] = Field(description="Brands that verified this number.")
    real_numbers: list[str] = Field(description="The asked brand's verified numbers, to call instead.")
    fake_reports: int
