"""Membership payloads. Ranges are checked by the service, which answers in Chinese and English per field."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TierWrite(BaseModel):
    """A tier's name, rank and privileges, as the brand admin sets them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    rank: int = Field(description="1 is the entry tier; a higher rank is a better tier.")
    priority_dispatch: bool = Field(default=False, description="Offered to dispatch before lower tiers.")
    response_minutes: int = Field(description="The response promise for this tier's tickets, at most the standard 30.")
    discount_percent: int = Field(default=0, description="Off the service charge, recorded on each ticket.")


class TierRead(TierWrite):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    members: int = 0


class MemberAssign(BaseModel):
    """Give the customer with this phone number a tier (or none); a number new to the brand needs a name."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str = Field(max_length=32)
    name: str = Field(default="", max_length=64)
    tier_id: int | None


class MemberRead(BaseModel):
    customer_id: int
    phone: str  # masked: 138****5678
    name: str  # masked: 陈*
    tier_id: int | None
    tier_name: str | None
