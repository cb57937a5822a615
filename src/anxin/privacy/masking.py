"""Masked display of personal data: what agents, technicians and logs see by default.

Phone numbers keep the first three and last four digits (138****5678), as
Chinese apps and couriers print them; names keep the family name (陈*, 欧阳**);
addresses are cut to the district (or the town when known) so the job can be
placed on a map but not the door. Full values are shown only to the roles and
at the moment that need them, and each reveal is audited by the caller.

>>> mask_phone("13812345678"), mask_phone("+8613812345678"), mask_phone("010-62345678")
('138****5678', '138****5678', '010****5678')
>>> mask_name("陈晨"), mask_name("欧阳娜娜"), mask_name("Li Wei")
('陈*', '欧阳**', 'L*****')
>>> mask_address("浙江省杭州市上城区")
'浙江省杭州市上城区****'
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
    ]
)


def mask_phone(number: str) -> str:
    """Keep the first three and last four national digits; everything between becomes ``*``."""
    digits = "".join(_DIGITS.findall(number))
    if digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """Keep the family name (two characters for compound surnames), one ``*`` per other character."""
    name = name.strip()
    keep = 2 if name[:2] in _COMPOUND_SURNAMES else 1
    return name[:keep] + "*" * max(len(name) - keep, 1 if len(name) <= keep else 0)


def mask_address(region_path: str) -> str:
    """The resolved region (province to district or town) and ``****`` in place of the street and door.

    Takes the region path, not the address text: cutting free text at the
    district is unreliable, while the region code is resolved at intake anyway.
    """
    region_path = region_path.strip()
    if not region_path:
        return "****"
    return f"{region_path}****"
