r"""Read events from bulk files — CSV, JSON Lines, Parquet — as validated events or per-row errors.

Problem: platforms export history as files; an import must accept every good
row and report each bad one by line and field, never stop at the first.

Formats (chosen by extension: ``.csv``, ``.jsonl``/``.ndjson``, ``.parquet``):

- **JSON Lines**: one event object per line, exactly what ``POST /api/events`` takes.
- **CSV / Parquet**: flat columns ``id, time, tenant, type, actor, subject`` and
  one column per attribute (``amount``, ``device``, ``shop`` …; see the schema).
  An empty cell means the attribute is absent. In CSV, numbers and booleans
  (``true``/``false``) are written as text and typed by the schema; a list
  attribute (``photos``) is written ``a|b|c``.

:func:`read_events` yields :class:`Row` items: ``(line, event, error)`` with
exactly one of event and error set. Cost: O(rows); Parquet is read in record
batches so memory stays bounded.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
>>> _ = p.write_text("id,time,tenant,type,actor,amount,device\n"
...                  "e1,1767225600000,t,order_placed,a1,1999,d1\n"
...                  "e2,1767225600000,t,order_placed,a1,lots,d1\n", encoding="utf-8")
>>> [(r.line, r.event.attrs if r.event else r.error) for r in read_events(p)]
[(2, {'amount': 1999, 'device': 'd1'}), (3, "amount: expected an integer, got str ('lots')")]
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from anxin.errors import InvalidInput
from anxin.integrity.events.schema import ATTRIBUTE_TYPES, COMMON_FIELDS, Event, EventValidationError, parse_event

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_COMMON = {s.name for s in COMMON_FIELDS} | {"version"}


class Row(NamedTuple):
    """One input row: its line (CSV/JSONL, 1-based with the header as line 1) or row number, and the result."""

    line: int
    event: Event | None
    error: str | None


def file_format(path: Path, given: str | None = None) -> str:
    fmt = given or FORMATS.get(path.suffix.lower())
    if fmt not in ("csv", "jsonl", "parquet"):
        raise InvalidInput(
            f"{path}: cannot tell the format from {path.suffix!r}; use .csv, .jsonl or .parquet, or pass --format",
            message_zh="无法识别文件格式，请使用 .csv、.jsonl 或 .parquet",
        )
    return fmt


def _typed(name: str, text: str) -> Any:
    spec = ATTRIBUTE_TYPES.get(name)
    if spec is None:
        return text  # parse_event names the unknown attribute
    try:
        if spec.type == "int":
            return int(text)
        if spec.type == "float":
            return float(text)
        if spec.type == "bool":
            lowered = text.strip().lower()
            return {"true": True, "1": True, "false": False, "0": False}.get(lowered, text)
        if spec.type == "list[str]":
            return text.split("|")
    except ValueError:
        return text  # left as text, so parse_event reports the field and the value
    return text


def flat_to_event_dict(flat: dict[str, Any], *, typed: bool) -> dict[str, Any]:
    """A flat row (common fields + attribute columns) as the nested dict ``parse_event`` takes."""
    out: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None or value == "":
            continue
        if key in _COMMON:
            if key in ("time", "version") and not typed and isinstance(value, str) and value.strip().isdigit():
                value = int(value)
            out[key] = value
        elif key == "attributes":
            attrs.update(json.loads(value) if isinstance(value, str) else value)
        else:
            attrs[key] = value if typed else _typed(key, value)
    out["attributes"] = attrs
    return out


def _result(line: int, data: Any) -> Row:
    try:
        return Row(line, parse_event(data), None)
    except EventValidationError as exc:
        problem = exc.detail["problem"]
        field = exc.field.removeprefix("attributes.")
        return Row(line, None, f"{field}: {problem}")
    except (TypeError, ValueError) as exc:
        return Row(line, None, str(exc))


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "id" not in reader.fieldnames:
            raise InvalidInput(f"{path}: line 1 must be a header with at least id,time,tenant,type,actor")
        for row in reader:
            if None in row:
                yield Row(reader.line_num, None, "more cells than header columns")
                continue
            yield _result(reader.line_num, flat_to_event_dict(row, typed=False))


def _jsonl_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8-sig") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Row(line_no, None, f"not JSON: {exc.msg} at column {exc.colno}")
                continue
            yield _result(line_no, data)


def _parquet_rows(path: Path) -> Iterator[Row]:
    import pyarrow.parquet as pq  # imported here: only Parquet imports need it

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise InvalidInput(f"{path}: not a readable Parquet file ({exc})") from None
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for row in batch.to_pylist():
            number += 1
            yield _result(number, flat_to_event_dict(row, typed=True))


def read_events(path: Path, fmt: str | None = None) -> Iterator[Row]:
    """Every row of the file as an event or an error, in file order.

    Raises:
        InvalidInput: the file as a whole cannot be read (format, header, not Parquet).
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file", message_zh=f"文件不存在: {path}")
    reader = {"csv": _csv_rows, "jsonl": _jsonl_rows, "parquet": _parquet_rows}[file_format(path, fmt)]
    return reader(path)
