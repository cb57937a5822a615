"""Validation of region codes given by users and admins, against the shipped gazetteer."""

from __future__ import annotations

from anxin.errors import InvalidInput
from anxin.regions.gazetteer import default_gazetteer

SERVICE_LEVELS = ("county", "township")


def service_area_code(code: str) -> str:
    """A district/county (6 digits) or town (9 digits) that exists: the unit coverage is kept at."""
    unit = default_gazetteer().get(code.strip())
    if unit is None:
        raise InvalidInput(
            f"unknown region code {code!r}", message_zh=f"未知的行政区划代码 {code}", detail={"code": code}
        )
    if unit.level not in SERVICE_LEVELS:
        raise InvalidInput(
            f"{code} {unit.name} is a {unit.level}; give a district/county or a town",
            message_zh=f"{unit.name} 范围过大，请选择区县或乡镇街道",
            detail={"code": code, "level": unit.level},
        )
    return unit.code


def ancestors_and_self(code: str) -> list[str]:
    """The codes whose coverage includes ``code``: itself and each enclosing unit."""
    return [d.code for d in default_gazetteer().path(code)]
