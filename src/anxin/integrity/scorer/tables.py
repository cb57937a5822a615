r"""A platform's labelled data for the scorer: features, labels, and optionally edges and texts, from CSV files.

Problem: every platform exports its own tables, and a scorer that trusts
them silently learns from garbage — a feature column read as text, a label
file that names accounts the feature file lacks, an edge to nobody. Each file
is checked as it is read; the first problem raises :class:`InvalidInput`
naming the file, the line and the fix, before any model is trained.

Formats (UTF-8, header row, comma separated; ``id`` values are strings):

* features: ``id,<feature…>`` — numbers; an empty cell is a missing value;
* labels: ``id,label`` — ``1`` fraud, ``0`` genuine, empty unlabelled;
* edges: ``src,dst`` — ids from the features file (undirected);
* text: ``id,text`` — ids from the features file.

>>> import io
>>> t = read_tables(io.StringIO("id,age,orders\na,3,1\nb,,7\n"), io.StringIO("id,label\na,1\nb,0\n"))
>>> t.ids, t.feature_names, t.features[1].tolist(), t.labels.tolist()
(['a', 'b'], ['age', 'orders'], [nan, 7.0], [1.0, 0.0])
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from anxin.errors import InvalidInput

Source = str | Path | TextIO


@dataclass(frozen=True)
class Tables:
    """Rows in the features file's order; ``labels`` is 1.0 / 0.0 / NaN (unlabelled)."""

    ids: list[str]
    feature_names: list[str]
    features: np.ndarray
    labels: np.ndarray
    edges: np.ndarray | None = None  # (E, 2) row indices
    texts: list[str] | None = None

    @property
    def labelled(self) -> np.ndarray:
        return np.flatnonzero(~np.isnan(self.labels))


def read_tables(features: Source, labels: Source, edges: Source | None = None, text: Source | None = None) -> Tables:
    """Reads and checks the files; raises :class:`InvalidInput` on the first problem."""
    ids, names, matrix = _read_features(features)
    index = {identifier: k for k, identifier in enumerate(ids)}
    y = _read_labels(labels, index)
    pairs = _read_edges(edges, index) if edges is not None else None
    texts = _read_texts(text, index) if text is not None else None
    return Tables(ids, names, matrix, y, pairs, texts)


def _rows(source: Source, expected: list[str] | None, what: str) -> tuple[str, list[str], csv.reader]:
    name = getattr(source, "name", None) or (str(source) if isinstance(source, str | Path) else what)
    handle: TextIO
    if isinstance(source, str | Path):
        try:
            handle = io.StringIO(Path(source).read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise InvalidInput(f"{what} file {name} does not exist") from None
        except UnicodeDecodeError:
            raise InvalidInput(f"{name}: not UTF-8 text; save the {what} file as UTF-8 CSV") from None
    else:
        handle = source
    reader = csv.reader(handle)
    header = [h.strip() for h in next(reader, [])]
    if not header or header == [""]:
        raise InvalidInput(f"{name}: empty file; the {what} file needs a header row")
    if expected is not None and header[: len(expected)] != expected:
        raise InvalidInput(
            f"{name} line 1: header is {','.join(header)}; the {what} file needs the columns {','.join(expected)}"
        )
    return name, header, reader


def _read_features(source: Source) -> tuple[list[str], list[str], np.ndarray]:
    name, header, reader = _rows(source, ["id"], "features")
    names = header[1:]
    if not names:
        raise InvalidInput(f"{name} line 1: no feature columns; the features file is id,<feature…>")
    ids: list[str] = []
    seen: set[str] = set()
    values: list[list[float]] = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise InvalidInput(f"{name} line {line}: {len(row)} columns, the header has {len(header)}")
        identifier = row[0].strip()
        if not identifier or identifier in seen:
            problem = "an empty id" if not identifier else f"id {identifier!r} repeated"
            raise InvalidInput(f"{name} line {line}: {problem}; every row needs its own id")
        seen.add(identifier)
        ids.append(identifier)
        values.append([_number(cell, name, line, column) for cell, column in zip(row[1:], names, strict=True)])
    if not ids:
        raise InvalidInput(f"{name}: no rows after the header")
    return ids, names, np.array(values, dtype=np.float64)


def _number(cell: str, name: str, line: int, column: str) -> float:
    cell = cell.strip()
    if cell == "":
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        raise InvalidInput(
            f"{name} line {line}: column {column!r} holds {cell[:40]!r}, not a number; "
            "encode categories as numbers (or leave the cell empty when unknown)"
        ) from None
    if math.isinf(value):
        raise InvalidInput(f"{name} line {line}: column {column!r} is infinite; use a finite number or leave it empty")
    return value


def _read_labels(source: Source, index: dict[str, int]) -> np.ndarray:
    name, _, reader = _rows(source, ["id", "label"], "labels")
    labels = np.full(len(index), np.nan)
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        identifier, value = row[0].strip(), (row[1].strip() if len(row) > 1 else "")
        if identifier not in index:
            raise InvalidInput(
                f"{name} line {line}: id {identifier!r} is not in the features file; label only rows that have features"
            )
        if value not in ("", "0", "1"):
            raise InvalidInput(f"{name} line {line}: label {value!r}; use 1 (fraud), 0 (genuine) or leave it empty")
        labels[index[identifier]] = float(value) if value else math.nan
    known = labels[~np.isnan(labels)]
    if len(np.unique(known)) < 2:
        only = "no labelled rows" if len(known) == 0 else f"only label {int(known[0])}"
        raise InvalidInput(f"{name}: {only}; the scorer needs both frauds (1) and genuine rows (0) to learn from")
    return labels


def _read_edges(source: Source, index: dict[str, int]) -> np.ndarray:
    name, _, reader = _rows(source, ["src", "dst"], "edges")
    pairs = []
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) < 2:
            raise InvalidInput(f"{name} line {line}: an edge needs src,dst")
        for identifier in (row[0].strip(), row[1].strip()):
            if identifier not in index:
                raise InvalidInput(
                    f"{name} line {line}: id {identifier!r} is not in the features file; edges must join known rows"
                )
        pairs.append((index[row[0].strip()], index[row[1].strip()]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _read_texts(source: Source, index: dict[str, int]) -> list[str]:
    name, _, reader = _rows(source, ["id", "text"], "text")
    texts = [""] * len(index)
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        identifier = row[0].strip()
        if identifier not in index:
            raise InvalidInput(f"{name} line {line}: id {identifier!r} is not in the features file")
        texts[index[identifier]] = ",".join(row[1:])
    return texts
