"""China's administrative divisions (NBS 2023 statistical codes), loaded from the package data.

Problem: everything that talks about places (coverage by district, dispatch
distances, the resolver) needs one authoritative tree of ~45k units with their
codes, parents and a few facts (county seat coordinates, stale names). The tree
ships inside the package (``anxin/regions/data``, built by
``scripts/build_gazetteer.py``), so a user without ``../shared`` has it.

Codes are strings of 2 (province), 4 (prefecture), 6 (county) or 9 (township)
digits, and a unit's parent is its code prefix. Loading parses ~45k lines once,
about 0.1 s; look-ups by code are O(1), ``children`` is O(children) after a
one-off index, ``path`` is O(depth).

>>> g = default_gazetteer()
>>> g["610523"].name, g["610523"].level, g["610523"].parent
('大荔县', 'county', '6105')
>>> [d.name for d in g.path("442000005")]
['广东省', '中山市', '中山市', '南区街道']
>>> g.full_name("442000005"), g.full_name("429004")
('广东省中山市南区街道', '湖北省仙桃市')
>>> g.coords("610523")
(109.94..., 34.79...)
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from anxin.errors import InvalidInput, NotFound

LEVELS = ("province", "prefecture", "county", "township")
_LEVEL_OF_LENGTH = {2: "province", 4: "prefecture", 6: "county", 9: "township"}
_PARENT_LENGTH = {4: 2, 6: 4, 9: 6}

#: Placeholder prefectures of the NBS tree: 市辖区/县 under a municipality and
#: 省/自治区直辖县级行政区划 for county-level cities governed by the province.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True, slots=True)
class Division:
    """One unit of the tree. ``parent`` is None for provinces."""

    code: str
    name: str
    level: str
    parent: str | None

    @property
    def is_placeholder(self) -> bool:
        """True for the NBS filler prefectures (市辖区, 省直辖县级行政区划) that no one writes."""
        return self.level == "prefecture" and self.name in PLACEHOLDER_NAMES

    @property
    def code12(self) -> str:
        """The 12-digit form used by NBS tables and many third-party data sets."""
        return self.code.ljust(12, "0")


@dataclass(frozen=True, slots=True)
class StaleName:
    """A former name (from the historical aliases) and the current units that replaced it.

    ``relation`` is one of ``type_changed``, ``merged_or_renamed``, ``split_between``
    (the first successor is the main one), ``recoded_or_moved``,
    ``mca_name_for_nbs_unit`` or ``abolished_unknown_successor`` (no successors).
    """

    old_code: str
    old_name: str
    relation: str
    successors: tuple[str, ...]


class Gazetteer:
    """The division tree with its stale names and county coordinates.

    Build it with :meth:`load` (or share :func:`default_gazetteer`); the
    constructor takes already-parsed rows so tests can build a small tree.

    Args:
        names: code → official name, for every unit; every parent must be present.
        stale: former names, each pointing to successors present in ``names``.
        coords: county code → (lng, lat) in GCJ-02.
        ethnic_groups: the 56 group names, used to shorten informal names.
    """

    def __init__(
        self,
        names: dict[str, str],
        *,
        stale: list[StaleName] | None = None,
        coords: dict[str, tuple[float, float]] | None = None,
        ethnic_groups: list[str] | None = None,
    ):
        units: dict[str, Division] = {}
        for code, name in names.items():
            level = _LEVEL_OF_LENGTH.get(len(code))
            if level is None or not code.isdigit():
                raise ValueError(f"code {code!r} must be 2, 4, 6 or 9 digits (NBS statistical code)")
            parent = code[: _PARENT_LENGTH[len(code)]] if len(code) > 2 else None
            if parent is not None and parent not in names:
                raise ValueError(f"unit {code} {name} has no parent {parent}; add the parent row first")
            units[code] = Division(code, name, level, parent)
        for s in stale or ():
            unknown = [c for c in s.successors if c not in units]
            if unknown:
                raise ValueError(f"stale name {s.old_name} points to unknown codes {unknown}")
        self._units = units
        self.stale: tuple[StaleName, ...] = tuple(stale or ())
        self._coords = dict(coords or {})
        self.ethnic_groups: tuple[str, ...] = tuple(ethnic_groups or ())
        self._children: dict[str | None, list[str]] | None = None

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> Gazetteer:
        """Read the package data (or the same files from ``data_dir``)."""
        root = Path(data_dir) if data_dir is not None else Path(str(resources.files("anxin.regions") / "data"))
        if not (root / "divisions.tsv.gz").exists():
            raise NotFound(
                f"no gazetteer data in {root}; run scripts/build_gazetteer.py",
                message_zh=f"{root} 中没有行政区划数据，请运行 scripts/build_gazetteer.py",
            )
        with gzip.open(root / "divisions.tsv.gz", "rt", encoding="utf-8") as f:
            names = dict(line.rstrip("\n").split("\t", 1) for line in f if line.strip())
        stale: list[StaleName] = []
        with gzip.open(root / "aliases.tsv.gz", "rt", encoding="utf-8") as f:
            lines = f.read().splitlines()[1:]
        for line in lines:
            old_code, old_name, relation, new_codes = [*line.split("\t"), ""][:4]
            stale.append(StaleName(old_code, old_name, relation, tuple(new_codes.split())))
        coords: dict[str, tuple[float, float]] = {}
        with gzip.open(root / "county_coords.tsv.gz", "rt", encoding="utf-8") as f:
            for line in f:
                code, lng, lat, _point = line.rstrip("\n").split("\t")
                coords[code] = (float(lng), float(lat))
        ethnic = (root / "ethnic_groups.txt").read_text(encoding="utf-8").split()
        return cls(names, stale=stale, coords=coords, ethnic_groups=ethnic)

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __iter__(self) -> Iterator[Division]:
        return iter(self._units.values())

    def __getitem__(self, code: str) -> Division:
        try:
            return self._units[code]
        except KeyError:
            raise NotFound(f"no division with code {code!r}", message_zh=f"没有代码为 {code!r} 的行政区划") from None

    def get(self, code: str) -> Division | None:
        return self._units.get(code)

    def path(self, code: str) -> tuple[Division, ...]:
        """The unit and its ancestors, province first (placeholders included, as NBS has them)."""
        unit = self[code]
        chain = [unit]
        while unit.parent is not None:
            unit = self._units[unit.parent]
            chain.append(unit)
        return tuple(reversed(chain))

    def full_name(self, code: str) -> str:
        """The name people write in full: placeholders and repeated same-name levels dropped."""
        parts: list[str] = []
        for d in self.path(code):
            if d.is_placeholder or (parts and parts[-1] == d.name):
                continue
            parts.append(d.name)
        return "".join(parts)

    def children(self, code: str | None) -> list[Division]:
        """Direct children, in code order; ``None`` gives the provinces."""
        if code is not None and code not in self._units:
            raise InvalidInput(f"unknown division code {code!r}; use a 2/4/6/9-digit NBS code")
        if self._children is None:
            index: dict[str | None, list[str]] = {}
            for d in self._units.values():
                index.setdefault(d.parent, []).append(d.code)
            self._children = {k: sorted(v) for k, v in index.items()}
        return [self._units[c] for c in self._children.get(code, [])]

    def coords(self, code: str) -> tuple[float, float] | None:
        """County seat (lng, lat), GCJ-02, for a county or anything inside one.

        Townships get their county's seat. Counties without a shipped point (the
        23 whose only source is learning-only map data) get their prefecture's
        first county seat; None when nothing near is known.
        """
        unit = self[code]
        county = code[:6] if unit.level == "township" else code
        if county in self._coords:
            return self._coords[county]
        prefix = code[:4]
        for c in self._children_codes(prefix):
            if c in self._coords:
                return self._coords[c]
        return None

    def _children_codes(self, code: str) -> list[str]:
        return [d.code for d in self.children(code)] if code in self._units else []


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return Gazetteer.load()
