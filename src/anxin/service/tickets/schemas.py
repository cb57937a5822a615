"""Ticket payloads. Views for staff show masked personal data; full values need a reveal (audited, later)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from anxin.service.stations.schemas import ServiceAreaCode
from anxin.service.tickets.lifecycle import Status
from anxin.text import N_


class Fault(StrEnum):
    lock_wont_open = "lock_wont_open"
    fingerprint = "fingerprint"
    keypad = "keypad"
    battery = "battery"
    alarm = "alarm"
    installation = "installation"
    other = "other"


FAULT_LABELS = {
    Fault.lock_wont_open: N_("lock will not open"),
    Fault.fingerprint: N_("fingerprint not recognised"),
    Fault.keypad: N_("keypad or password fails"),
    Fault.battery: N_("battery or power"),
    Fault.alarm: N_("alarm keeps sounding"),
    Fault.installation: N_("installation"),
    Fault.other: N_("something else"),
}


class RepairRequest(BaseModel):
    """What a customer (online) or an agent (on the phone) gives; the same fields either way."""

    model_config = ConfigDict(extra="forbid")

    brand_id: int
    phone: str = Field(min_length=5, max_length=32)
    name: str = Field(default="", max_length=64)
    region_code: ServiceAreaCode
    address: str = Field(min_length=2, max_length=256)
    lock_model: str = Field(min_length=1, max_length=64)
    fault: Fault
    description: str = Field(default="", max_length=2000)


class TicketMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    version: int = Field(description="The version you saw; a newer one means someone else changed the ticket.")
    note: str = Field(default="", max_length=2000)


class TicketRead(BaseModel):
    id: int
    number: str
    brand_id: int
    channel: str
    status: Status
    region_code: str
    region: str
    lock_model: str
    fault: Fault
    customer: str = Field(description="Masked name")
    phone: str = Field(description="Masked phone")
    address: str = Field(description="Region only; the street is sealed")
    queue_reason: str | None
    duplicate_of: int | None
    member_tier: str | None = Field(description="The customer's tier at intake; None for the standard promise")
    response_minutes: int = Field(description="Minutes to respond, promised at intake")
    arrival_minutes: int = Field(description="Working minutes from dispatch to on site, promised at intake")
    discount_percent: int = Field(description="Discount on the service charge, granted at intake")
    photos: int = Field(0, description="Photos the customer sent with the request (staff see them on the ticket page)")
    version: int
    created_at: datetime
    updated_at: datetime


class TicketEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    actor_label: str
    note: str
    at: datetime


class TrackingStep(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    to_status: Status
    at: datetime


class TrackingRead(BaseModel):
    """What anyone with the ticket number and the phone number sees: progress, never personal data or staff notes."""

    number: str
    status: Status
    lock_model: str
    region: str
    warranty_until: datetime | None
    rated: bool
    history: list[TrackingStep]
