r"""Resolve the informal Chinese place names that people and fake pages write to official NBS codes.

Problem: region lists on service pages (and on the fake hotline pages we scan)
write places the way people say them, not as the statistical tree has them:
short prefecture names (``黔东南黄平县``), a province short name in front
(``内蒙古兴安盟突泉县``), placeholders (``直辖县仙桃市``), a county-level city
straight before its town (``中山市南区街道``), town stems (``五指山市毛阳``),
ethnic words in the middle (``海西蒙古族乌兰县``) and names that no longer exist
(``杭州市江干区``). A bare ``朝阳区`` is two different districts and must stay
ambiguous rather than be guessed.

Method: every unit is indexed under its full name and its stems (type word and
ethnic words removed, 湘西州-style short forms); stale names from the
historical aliases are indexed too, pointing to their successors. A name is
read from its end: every indexed suffix of the text is a candidate unit, and
the rest of the text must be explained right to left by that unit's own
ancestors (each optional, placeholders and ethnic words skipped). Candidates
are ranked by (text fully explained, characters left over, weight of full
names over stems); a tie between different units is reported as ``ambiguous``
with the candidates. Cost per name: one dict probe per suffix length until no
indexed name ends with that suffix, plus a few ``endswith`` checks per
candidate (common names such as 城关镇 use a by-ancestor sub-index), i.e. about
O(n + k) for n characters and k plausible candidates; ~3-6 µs per name in
CPython. Results are memoised in a bounded dict because pages repeat names.

>>> r = resolve("黔东南黄平县")
>>> r.code, r.level, r.path, r.flags
('522622', 'county', ('贵州省', '黔东南苗族侗族自治州', '黄平县'), ())
>>> resolve("杭州市江干区").code, resolve("杭州市江干区").flags
('330102', ('stale_name', 'split_successor'))
>>> a = resolve("朝阳区")
>>> a.code, a.flags, [c.code for c in a.candidates]
(None, ('ambiguous',), ['110105', '220104'])
>>> split_places("渭南市大荔县、直辖县仙桃市，中山市南区街道\n 昌江黎族自治县王下乡")
['渭南市大荔县', '直辖县仙桃市', '中山市南区街道', '昌江黎族自治县王下乡']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple

from anxin.errors import InvalidInput
from anxin.regions.gazetteer import Division, Gazetteer, StaleName, default_gazetteer

FULL, STEM = 3, 2  # weight per character of a full official name vs a stem or short form

# Type words removed to make stems, longest first per level (a name loses at most one).
_SUFFIXES = {
    "province": ("自治区", "省", "市"),
    "prefecture": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗"),
    "township": ("街道办事处", "办事处", "街道", "苏木", "地区", "镇", "乡"),
}
_DIRECT_PLACEHOLDER_VARIANTS = (
    "自治区直辖县级行政区划",
    "省直辖县级行政区划",
    "直辖县级行政区划",
    "省直辖县级",
    "直辖县级",
    "省直辖县",
    "直辖县",
    "省直辖",
    "直辖",
)
_SPLIT = re.compile(r"[、，,;；：:\s/|｜]+")
_STRIP = str.maketrans("", "", " \t\r\n\u3000·•-—_()（）[]【】<>《》\"'“”‘’.。!！?？*")
_FEW = 6  # keys with more entries than this get a by-ancestor sub-index
_LEVEL_OF_LENGTH = {2: "province", 4: "prefecture", 6: "county", 9: "township"}


class Candidate(NamedTuple):
    """One unit a name could mean, with its path of names (province first)."""

    code: str
    path: tuple[str, ...]
    level: str


class Resolution(NamedTuple):
    """What a name resolved to.

    ``code`` is None when the name is ambiguous or unknown. ``flags`` is a
    subset of ``stale_name`` (a former name; ``code`` is its current successor),
    ``split_successor`` (the former unit was split; ``candidates`` lists every
    successor, the main one first), ``no_successor`` (abolished; ``code`` is the
    parent), ``short_name`` (only stems or short forms matched), ``partial``
    (leading text left unexplained), ``ambiguous`` and ``unresolved``.
    ``confidence`` is in [0, 1].
    """

    input: str
    code: str | None
    path: tuple[str, ...]
    level: str | None
    confidence: float
    flags: tuple[str, ...]
    candidates: tuple[Candidate, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the CLI and API (``input``, ``code``, ``path``, ``level``, ``flags``, ...)."""
        return {
            "input": self.input,
            "code": self.code,
            "path": list(self.path),
            "level": self.level,
            "confidence": self.confidence,
            "flags": list(self.flags),
            "candidates": [{"code": c.code, "path": list(c.path), "level": c.level} for c in self.candidates],
        }


def split_places(text: str) -> list[str]:
    """Split a region list (、 , ， ; ： line breaks, spaces) into stripped, non-empty items, in order."""
    if not isinstance(text, str):
        raise InvalidInput(f"split_places takes text, not {type(text).__name__}; decode bytes first")
    out = []
    for item in _SPLIT.split(text):
        item = item.translate(_STRIP)
        if item:
            out.append(item)
    return out


class _Entry(NamedTuple):
    code: str  # the unit the key means (for stale names: the main successor, or the parent if abolished)
    weight: int
    ancestors: tuple[tuple[str, ...], ...]  # variant strings of each ancestor, nearest first
    stale: StaleName | None


class Resolver:
    """Index of a gazetteer's names and the right-to-left matcher over it.

    Args:
        gazetteer: the tree to resolve against; the shipped one by default.
        cache_size: how many distinct inputs to memoise (0 disables the memo;
            the benchmark measures both).
        max_candidates: how many candidates an ambiguous result lists at most.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, cache_size: int = 100_000, max_candidates: int = 10):
        if cache_size < 0:
            raise ValueError("cache_size must be >= 0 (0 disables memoisation)")
        if max_candidates < 1:
            raise ValueError("max_candidates must be >= 1 so ambiguous names can show what they could mean")
        self.gazetteer = gazetteer if gazetteer is not None else default_gazetteer()
        self.cache_size = cache_size
        self.max_candidates = max_candidates
        self._memo: dict[str, Resolution] = {}
        g = self.gazetteer
        ethnic = sorted({*g.ethnic_groups, "各族"}, key=len, reverse=True)
        self._ethnic = tuple(ethnic)
        self._filler_set = frozenset((*ethnic, "自治州", "自治县"))
        self._filler_lengths = tuple(sorted({len(f) for f in self._filler_set}, reverse=True))
        variants: dict[str, tuple[str, ...]] = {}
        keys: dict[str, list[tuple[str, int]]] = {}
        for d in g:
            v = self._variants(d, g)
            variants[d.code] = tuple(sorted({s for s, _ in v}, key=len, reverse=True))
            keys[d.code] = v
        self._variants_of = variants
        anc_cache: dict[str | None, tuple[tuple[str, ...], ...]] = {None: ()}

        def ancestors(parent: str | None) -> tuple[tuple[str, ...], ...]:
            if parent not in anc_cache:
                p = g[parent]  # type: ignore[index]
                anc_cache[parent] = (variants[p.code], *ancestors(p.parent))
            return anc_cache[parent]

        index: dict[str, list[_Entry]] = {}
        for d in g:
            if d.is_placeholder or self._same_as_parent(d, g):
                continue  # reachable only as an ancestor: nobody means 市辖区, and 东莞市 means the city
            anc = ancestors(d.parent)
            for key, weight in keys[d.code]:
                index.setdefault(key, []).append(_Entry(d.code, weight, anc, None))
        for s in g.stale:
            old_parent = s.old_code[: {9: 6, 6: 4, 4: 2}.get(len(s.old_code), 0)] or None
            if old_parent is not None and old_parent in g:
                anc = (variants[old_parent], *ancestors(g[old_parent].parent))
                target = s.successors[0] if s.successors else old_parent
            elif s.successors:
                anc = ancestors(g[s.successors[0]].parent)
                target = s.successors[0]
            else:
                continue
            level = {9: "township", 6: "county", 4: "prefecture"}.get(len(s.old_code), "county")
            for key, weight in self._name_variants(s.old_name, level):
                index.setdefault(key, []).append(_Entry(target, weight, anc, s))
        self._index = {k: tuple(v) for k, v in index.items()}
        paths: dict[str, tuple[str, ...]] = {}
        for d in g:  # parents come before children in code order
            up = paths.get(d.parent, ()) if d.parent else ()
            paths[d.code] = up if d.is_placeholder else (*up, d.name)
        self._paths = paths
        # Common names (城关镇: 88 units) would cost one ancestor walk per unit; for them a second
        # index goes from an ancestor's name to the entries under it, so only plausible units are walked.
        self._by_ancestor: dict[str, tuple[dict[str, tuple[_Entry, ...]], tuple[int, ...]]] = {}
        for key, entries in self._index.items():
            if len(entries) <= _FEW:
                continue
            sub: dict[str, list[_Entry]] = {}
            for e in entries:
                for names in e.ancestors:
                    for v in names:
                        bucket = sub.setdefault(v, [])
                        if not bucket or bucket[-1] is not e:
                            bucket.append(e)
            lens = tuple(sorted({len(v) for v in sub}, reverse=True))
            self._by_ancestor[key] = ({v: tuple(b) for v, b in sub.items()}, lens)
        # Proper suffixes of keys: probing stops at the first suffix of the input that no longer
        # key ends with, instead of trying every length (~29k strings).
        self._extendable = frozenset(k[i:] for k in self._index for i in range(1, len(k) - 1))

    # -- index building -------------------------------------------------------------------

    @staticmethod
    def _same_as_parent(d: Division, g: Gazetteer) -> bool:
        # 东莞市 (county 441900) under 东莞市 (4419), 金门县 (town 350527000) under 金门县.
        return d.parent is not None and g[d.parent].name == d.name

    def _strip_ethnic(self, stem: str) -> str:
        changed = True
        while changed:
            changed = False
            for e in self._ethnic:
                if stem.endswith(e) and len(stem) > len(e):
                    stem, changed = stem[: -len(e)], True
                    break
        return stem

    def _name_variants(self, name: str, level: str) -> list[tuple[str, int]]:
        name = name.translate(_STRIP)  # inputs lose brackets and dashes too: 中国（上海）自由贸易试验区
        out = [(name, FULL)]
        for suffix in _SUFFIXES[level]:
            if name.endswith(suffix) and len(name) > len(suffix):
                stem = self._strip_ethnic(name[: -len(suffix)])
                if len(stem) >= 2 and stem not in self._ethnic:
                    out.append((stem, STEM))
                    if suffix == "自治州":
                        out.append((stem + "州", STEM))  # 湘西州, 恩施州, 黔东南州
                break
        return out

    def _variants(self, d: Division, g: Gazetteer) -> list[tuple[str, int]]:
        if d.is_placeholder:
            if d.name == "市辖区":
                return [("市辖区", STEM)]
            if d.name == "县":
                return []
            return [(v, STEM) for v in _DIRECT_PLACEHOLDER_VARIANTS]
        return self._name_variants(d.name, d.level)

    # -- matching -------------------------------------------------------------------------

    def _strip_fillers(self, r: str) -> str:
        # Every filler ends in 族, 州 or 县, so most texts leave after one character test.
        fillers, lengths = self._filler_set, self._filler_lengths
        while r and r[-1] in "族州县":
            for n in lengths:
                if r[-n:] in fillers and len(r) > n:
                    r = r[:-n]
                    break
            else:
                return r
        return r

    def _explain(self, rest: str, ancestors: tuple[tuple[str, ...], ...]) -> tuple[str, int]:
        """Consume ``rest`` from its end with ancestor names; return what is left and the weight used."""
        gained = 0
        for names in ancestors:
            for v in names:
                if rest.endswith(v):
                    rest = rest[: -len(v)]
                    gained += len(v)
                    if not rest:
                        return rest, gained
                    break
            else:
                if rest[-1] in "族州县":
                    trimmed = self._strip_fillers(rest)
                    for v in names:
                        if trimmed.endswith(v):
                            rest = trimmed[: -len(v)]
                            gained += len(v)
                            if not rest:
                                return rest, gained
                            break
        return rest, gained

    def _plausible(self, key: str, rest: str, entries: tuple[_Entry, ...]) -> tuple[_Entry, ...]:
        """The entries of ``key`` with an ancestor named at the end of ``rest`` (all if none is).

        Entries left out could only explain less of ``rest`` than those kept, so the
        ranking is unchanged; when nothing matches, every entry ties and all are kept.
        """
        sub, lens = self._by_ancestor[key]
        found: dict[int, _Entry] = {}
        for r in (rest, self._strip_fillers(rest)) if rest[-1] in "族州县" else (rest,):
            m = len(r)
            for length in lens:
                if length <= m:
                    hit = sub.get(r[m - length :])
                    if hit is not None:
                        for e in hit:
                            found[id(e)] = e
        return tuple(found.values()) if found else entries

    def _path(self, code: str) -> tuple[str, ...]:
        return self._paths[code]

    def _candidate(self, code: str) -> Candidate:
        return Candidate(code, self._path(code), self.gazetteer[code].level)

    def resolve(self, text: str) -> Resolution:
        """Resolve one place name; see the module docstring for the rules."""
        hit = self._memo.get(text)
        if hit is not None:
            return hit
        if not isinstance(text, str):
            raise InvalidInput(f"resolve takes a place name as text, not {type(text).__name__}")
        result = self._resolve(text)
        if self.cache_size:
            if len(self._memo) >= self.cache_size:
                self._memo.clear()
            self._memo[text] = result
        return result

    def resolve_many(self, items: Iterable[str]) -> list[Resolution]:
        return [self.resolve(x) for x in items]

    def resolve_list(self, text: str) -> list[Resolution]:
        """Split a region list with :func:`split_places` and resolve every item."""
        return [self.resolve(x) for x in split_places(text)]

    def _resolve(self, raw: str) -> Resolution:
        s = raw.translate(_STRIP)
        n = len(s)
        get = self._index.get
        explain = self._explain
        # One int per candidate orders (fully explained, fewest characters left, weight):
        # 10**6 for no leftover, minus 10**3 per leftover character, plus the weight (< 10**3).
        best: dict[str, tuple[int, _Entry, int]] = {}
        top = -(10**9)
        hits = []
        extendable = self._extendable
        for length in range(2, n + 1):
            key = s[n - length :]
            entries = get(key)
            if entries is not None:
                hits.append((length, key, entries))
            if key not in extendable:
                break
        if len(hits) == 1 and len(hits[0][2]) == 1:
            # One indexed suffix naming one unit (most region-list items): skip the ranking.
            length, _key, (entry,) = hits[0]
            code, weight, ancestors, stale = entry
            rest = s[: n - length]
            if stale is None and weight == FULL and (not rest or not explain(rest, ancestors)[0]):
                return Resolution(raw, code, self._paths[code], _LEVEL_OF_LENGTH[len(code)], 1.0, (), ())
        for length, key, entries in reversed(hits):
            rest = s[: n - length]
            if rest and len(entries) > _FEW:
                entries = self._plausible(key, rest, entries)
            for e in entries:
                code, weight, ancestors, _stale = e
                if rest:
                    left, gained = explain(rest, ancestors)
                    if left:
                        # Leftover text is allowed only when the matched name is specific enough.
                        if weight == STEM and length < 3:
                            continue
                        score = weight * length + STEM * gained - 1000 * len(left)
                    else:
                        score = 1_000_000 + weight * length + STEM * gained
                else:
                    score = 1_000_000 + weight * length
                if score >= top:
                    top = score
                prev = best.get(code)
                if prev is None or score > prev[0]:
                    best[code] = (score, e, length)
            if top >= 1_000_000 + 2 * n + length:
                # A shorter key scores at most 10**6 + 3*L' + 2*(n-L') < top: nothing left can tie.
                break
        if not best:
            return Resolution(raw, None, (), None, 0.0, ("unresolved",), ())
        fully = top >= 1_000_000
        winners = [v for v in best.values() if v[0] == top]
        tie_broken = False
        if len(winners) > 1 and fully and len(s) == winners[0][2]:
            # A bare name: people mean the largest unit of that name (北京 is the province, not
            # 北京街道), but only when exactly one candidate sits at the highest level.
            rank = {"province": 0, "prefecture": 1, "county": 2, "township": 3}
            levels = sorted(rank[self.gazetteer[v[1].code].level] for v in winners)
            if levels[0] < levels[1]:
                winners = [v for v in winners if rank[self.gazetteer[v[1].code].level] == levels[0]]
                tie_broken = True
        if len(winners) > 1:
            rank_of = {"province": 0, "prefecture": 1, "county": 2, "township": 3}
            codes = sorted((v[1].code for v in winners), key=lambda c: (rank_of[self.gazetteer[c].level], c))
            cands = tuple(self._candidate(c) for c in codes[: self.max_candidates])
            flags = ("ambiguous",) if fully else ("ambiguous", "partial")
            return Resolution(raw, None, (), None, round(1.0 / len(winners), 3), flags, cands)
        score, entry, length = winners[0]
        code, weight, _anc, stale = entry
        if fully and stale is None and weight == FULL and not tie_broken:
            # The common case (a full official name, every character explained): no flags to build.
            return Resolution(raw, code, self._paths[code], _LEVEL_OF_LENGTH[len(code)], 1.0, (), ())
        flags: list[str] = []
        confidence = 0.7 if tie_broken else 1.0
        candidates: tuple[Candidate, ...] = ()
        if entry.stale is not None:
            flags.append("stale_name")
            confidence *= 0.9
            if entry.stale.relation == "split_between":
                flags.append("split_successor")
                confidence *= 0.7
                candidates = tuple(self._candidate(c) for c in entry.stale.successors)
            elif not entry.stale.successors:
                flags.append("no_successor")
                confidence *= 0.4
        if entry.weight == STEM:
            flags.append("short_name")
            confidence *= 0.9
        if not fully:
            flags.append("partial")
            confidence *= 0.5
        return Resolution(
            raw,
            code,
            self._paths[code],
            _LEVEL_OF_LENGTH[len(code)],
            confidence if confidence == 1.0 else round(confidence, 3),
            tuple(flags),
            candidates,
        )


@cache
def default_resolver() -> Resolver:
    """One resolver over the shipped gazetteer, built on first use (~1 s) and shared."""
    return Resolver()


def resolve(text: str) -> Resolution:
    """Resolve one informal place name with the shared :func:`default_resolver`."""
    return default_resolver().resolve(text)


def resolve_list(text: str) -> list[Resolution]:
    """Split a region list and resolve every item with the shared resolver."""
    return default_resolver().resolve_list(text)
