"""Region payloads at the HTTP edge."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DivisionRead(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None


class DivisionDetail(DivisionRead):
    full_name: str
    path: list[DivisionRead]
    lng: float | None
    lat: float | None


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="One place name or a list (、 , ， ; line breaks).")


class CandidateRead(BaseModel):
    code: str
    path: list[str]
    level: str


class ResolutionRead(BaseModel):
    input: str
    code: str | None
    path: list[str]
    level: str | None
    confidence: float
    flags: list[str]
    candidates: list[CandidateRead]
