"""Technician payloads."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anxin.service.stations.schemas import ServiceAreaCode, WeeklyHours


class TechnicianCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    skills: list[str] = Field(min_length=1, max_length=50, description="Lock models or categories, e.g. S1, 智能锁")
    home_station_id: int
    shifts: WeeklyHours
    territory: list[ServiceAreaCode] = Field(default_factory=list, max_length=200)
    username: str | None = Field(default=None, description="An existing technician account to link, if any.")


class TechnicianRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    name: str
    skills: list[str]
    home_station_id: int
    shifts: dict[str, list[str]]
    active: bool
