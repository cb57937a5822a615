"""Case library payloads. An article carries the repair, the lock model and the district; never the customer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from anxin.service.tickets.schemas import Fault


class ArticleWrite(BaseModel):
    """What the author writes; model, fault and district come from the linked ticket."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ticket_number: str = Field(min_length=8, max_length=24)
    title: str = Field(min_length=4, max_length=120)
    symptom: str = Field(min_length=2, max_length=2000)
    cause: str = Field(min_length=2, max_length=2000)
    fix: str = Field(min_length=2, max_length=4000)
    parts: str = Field(default="", max_length=512)


class ArticleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    ticket_number: str
    lock_model: str
    fault: Fault
    region: str
    title: str
    symptom: str
    cause: str
    fix: str
    parts: str
    author_label: str
    created_at: datetime
    updated_at: datetime


class Highlight(BaseModel):
    text: str
    match: bool


class SearchHit(BaseModel):
    id: int
    title: str
    lock_model: str
    fault: Fault
    score: float = Field(description="Higher is better; comparable within one result list only")
    snippet: list[Highlight] = Field(description="An excerpt cut into runs; runs with match=true hit the query")


class SearchPage(BaseModel):
    query: str
    terms: list[str] = Field(description="The search words the query was cut into")
    mode: str = Field(description="'all': every word matched; 'any': no article had all, these have some")
    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
