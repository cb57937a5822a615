"""Station payloads. Region codes are checked against the gazetteer, hours by the weekly-hours parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from anxin.clocks.weekly import parse_weekly_hours
from anxin.errors import InvalidInput
from anxin.regions.codes import service_area_code

T = TypeVar("T")


def _field_error(check: Callable[[T], T]) -> Callable[[T], T]:
    """Run a domain check inside Pydantic so its InvalidInput becomes a field error with the field's path."""

    def validate(value: T) -> T:
        try:
            return check(value)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    return validate


ServiceAreaCode = Annotated[str, AfterValidator(_field_error(service_area_code))]
WeeklyHours = Annotated[dict[str, list[str]], AfterValidator(_field_error(parse_weekly_hours))]


class StationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=128)
    region_code: ServiceAreaCode
    address: str = Field(min_length=2, max_length=256)
    phone: str = Field(min_length=3, max_length=64)
    opening_hours: WeeklyHours
    coverage: list[ServiceAreaCode] = Field(default_factory=list, max_length=500)


class StationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    brand_id: int
    name: str
    region_code: str
    address: str
    phone: str
    opening_hours: dict[str, list[str]]
    active: bool


class StationCoverageRead(StationRead):
    coverage: list[str]
    covers: str = Field(description="full: the unit asked is inside the coverage; partial: only some of its towns")
