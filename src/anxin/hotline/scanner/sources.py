r"""Where crawl pages come from: files, directories of saved pages, and JSONL of ``{url, html|text}``.

Every item is yielded as ``(source, page)`` where page is bytes or text, or an
:class:`~anxin.errors.InvalidInput` describing why that item cannot be read
(missing file, bad JSON line, record over the size bound), so a crawl reports
it and goes on. Reads are bounded by ``max_bytes`` per item. Files are read
lazily, one at a time: memory stays O(max_bytes).

>>> import json, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.html").write_text("<p>hi</p>", encoding="utf-8")
>>> _ = (d / "b.jsonl").write_text(json.dumps({"url": "u1", "text": "t"}) + "\nnot json\n", encoding="utf-8")
>>> [(s.rsplit("/", 1)[-1], type(p).__name__) for s, p in iter_pages([d])]
[('a.html', 'bytes'), ('u1', 'str'), ('b.jsonl:2', 'InvalidInput')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from anxin.errors import InvalidInput

PageItem = tuple[str, bytes | str | InvalidInput]


def iter_pages(paths: Iterable[str | Path], *, max_bytes: int = 4_000_000) -> Iterator[PageItem]:
    """Pages of every path: a file, a directory (recursively, sorted, hidden files skipped) or a .jsonl."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield from _one(child, max_bytes)
        else:
            yield from _one(path, max_bytes)


def _one(path: Path, max_bytes: int) -> Iterator[PageItem]:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _jsonl(path, max_bytes)
        return
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes)
    except OSError as exc:
        yield str(path), InvalidInput(f"cannot read {path}: {exc.strerror}", message_zh=f"无法读取 {path}")
        return
    yield str(path), data


def _jsonl(path: Path, max_bytes: int) -> Iterator[PageItem]:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below; lines are read one at a time
    except OSError as exc:
        yield str(path), InvalidInput(f"cannot read {path}: {exc.strerror}", message_zh=f"无法读取 {path}")
        return
    with f:
        lineno = 0
        while True:
            line = f.readline(max_bytes + 1)
            if not line:
                break
            lineno += 1
            where = f"{path}:{lineno}"
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the oversized record
                    line = f.readline(1 << 20)
                yield where, InvalidInput(f"{where}: record larger than {max_bytes} bytes; skipped")
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield where, InvalidInput(f"{where}: not a JSON object ({exc})", message_zh=f"{where} 不是 JSON")
                continue
            if not isinstance(record, dict):
                yield where, InvalidInput(f"{where}: expected an object with url and html or text")
                continue
            page = record.get("html", record.get("text"))
            if not isinstance(page, str):
                yield where, InvalidInput(f"{where}: the object needs an 'html' or 'text' string")
                continue
            yield str(record.get("url") or where), page
