"""Complaint payloads: what a customer files with the ticket number and phone, the brand's moves and refunds."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ComplaintCreate(BaseModel):
    """The customer's complaint, proven theirs by the ticket number and the booking phone (no login)."""

    model_config = ConfigDict(extra="forbid")

    number: str = Field(min_length=8, max_length=24)
    phone: str = Field(min_length=5, max_length=32)
    category: str = Field(max_length=16)
    text: str = Field(max_length=2000)


class ComplaintMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: str = Field(description="investigating, resolved (upheld) or rejected")
    reply: str = Field(default="", max_length=2000, description="What the customer reads; needed to decide.")
    version: int = Field(description="The version you saw; a newer one means someone else changed the complaint.")


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: int = Field(description="At most what the parts list charged, less earlier refunds on the ticket.")
    reason: str = Field(max_length=2000)
    version: int


class ComplaintRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    ticket_id: int
    category: str
    text: str
    channel: str
    status: str
    reply: str | None
    promised_warranty_until: datetime | None
    promised_response_minutes: int
    responded_minutes: int | None
    parts_charged_fen: int
    refund_fen: int | None
    refund_reason: str | None
    version: int
    created_at: datetime
