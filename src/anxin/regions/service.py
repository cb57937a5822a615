"""Region look-ups for routes, pages and the CLI, over the shipped gazetteer (no database needed).

Coverage (which stations and technicians serve a unit) joins this with the
service network once stations exist; everything here is read-only.
"""

from __future__ import annotations

from anxin.errors import InvalidInput
from anxin.regions.gazetteer import Division, default_gazetteer
from anxin.regions.resolver import Resolution, default_resolver, split_places
from anxin.regions.schemas import DivisionDetail, DivisionRead

MAX_RESOLVE_CHARS = 20_000
"""A region list longer than this is refused: the seed page's whole list is ~3k characters."""


def _read(unit: Division) -> DivisionRead:
    return DivisionRead(code=unit.code, name=unit.name, level=unit.level, parent=unit.parent)


def resolve_text(text: str) -> list[Resolution]:
    """Split a list text into items and resolve each one, in order."""
    if len(text) > MAX_RESOLVE_CHARS:
        raise InvalidInput(
            f"text of {len(text)} characters is over the {MAX_RESOLVE_CHARS}-character limit; send it in parts",
            message_zh=f"文本过长（{len(text)} 字），上限 {MAX_RESOLVE_CHARS} 字，请分批提交",
        )
    return default_resolver().resolve_many(split_places(text))


def children(code: str | None) -> list[DivisionRead]:
    return [_read(u) for u in default_gazetteer().children(code)]


def detail(code: str) -> DivisionDetail:
    gazetteer = default_gazetteer()
    unit = gazetteer[code]
    point = gazetteer.coords(code)
    return DivisionDetail(
        **_read(unit).model_dump(),
        full_name=gazetteer.full_name(code),
        path=[_read(u) for u in gazetteer.path(code)],
        lng=point[0] if point else None,
        lat=point[1] if point else None,
    )


def picker_levels(code: str | None) -> tuple[list[tuple[list[DivisionRead], str | None]], str | None]:
    """The selects of a cascading picker down to ``code``: (options, selected) per level, and the code.

    An unknown code falls back to the empty picker rather than an error, so a
    stale value in a form never blocks the user.
    """
    gazetteer = default_gazetteer()
    if code is not None and gazetteer.get(code) is None:
        code = None
    chain = [u.code for u in gazetteer.path(code)] if code else []
    parents: list[str | None] = [None, *chain[:-1]] if chain else []
    levels = [(children(parent), selected) for parent, selected in zip(parents, chain, strict=True)]
    below = children(code) if code else []
    if not code:
        levels.append((children(None), None))
    elif below:
        levels.append((below, None))
    return levels, code
