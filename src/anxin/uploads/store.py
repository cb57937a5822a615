r"""Accept an uploaded file only for what its bytes are, and keep it content-addressed on disk.

Why: a file's name and declared type are whatever the sender says. The type is
sniffed from the bytes (PNG, JPEG, WebP, PDF, and a table of text — a courier's
logistics record exported as CSV, in UTF-8 or GB18030 as Chinese exports often
are); images are decoded and re-encoded, which drops EXIF (GPS positions of a
customer's home, camera serial numbers) and defeats polyglot files; tables are
decoded and written again as UTF-8; anything else is refused with the reason.
Files are stored once under ``<data_dir>/uploads/ab/abcdef…`` by the SHA-256 of
the stored bytes, which is also what an evidence bundle's manifest will cite.

>>> sniff(b"%PDF-1.7 ..."), sniff(b"\x89PNG\r\n\x1a\n...."), sniff(b"MZ\x90\x00")
('application/pdf', 'image/png', None)
>>> sniff("时间,地点,状态\n2026-11-20 09:12,杭州转运中心,已发出\n".encode("gb18030"))
'text/csv'

"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from anxin.errors import InvalidInput, PayloadTooLarge

MAX_UPLOAD_BYTES = 8_000_000
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; larger "images" are decompression bombs
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)
_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/csv": ".csv",
}
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
_DELIMITERS = (",", "\t", ";", "|")


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    content_type: str
    size: int
    path: Path


def sniff(data: bytes) -> str | None:
    """The content type the bytes really have, among the ones we accept; None for anything else."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if table_text(data) is not None:
        return "text/csv"
    return None


def table_text(data: bytes) -> str | None:
    """The bytes as text when they are a delimited table (at least two rows, one delimiter on every row); else None.

    Text that is not a table (a script, an HTML page) and anything with
    control characters is refused: only a logistics record's rows get in.
    """
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text) or "<" in text[:1000]:
        return None
    rows = [r for r in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if r.strip()]
    if len(rows) < 2 or _delimiter(rows) is None:
        return None
    return "\n".join(rows) + "\n"


def _delimiter(rows: list[str]) -> str | None:
    """The first of :data:`_DELIMITERS` found on every one of the first 50 rows: what makes text a table."""
    return next((d for d in _DELIMITERS if all(d in r for r in rows[:50])), None)


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode and write the pixels again without metadata; refuses bombs and broken images."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise InvalidInput(
                    f"image of {image.width}×{image.height} pixels is too large",
                    message_zh="图片像素过大",
                    detail={"max_pixels": MAX_IMAGE_PIXELS},
                )
            image.load()
            out = io.BytesIO()
            fmt = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}[content_type]
            clean = image.convert("RGB") if fmt == "JPEG" and image.mode not in ("RGB", "L") else image
            clean.save(out, format=fmt, **({"quality": 90} if fmt != "PNG" else {}))
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise InvalidInput(f"the image cannot be read ({exc})", message_zh="图片已损坏或无法读取") from None


def stored_path(root: Path, sha256: str, content_type: str) -> Path:
    """Where the file with this digest lives under ``root`` (the data directory)."""
    return root / "uploads" / sha256[:2] / f"{sha256}{_EXTENSIONS[content_type]}"


def store_upload(data: bytes, *, root: Path, max_bytes: int = MAX_UPLOAD_BYTES) -> StoredFile:
    """Check, clean and store one upload; the same bytes stored twice are kept once.

    Raises:
        PayloadTooLarge: over ``max_bytes``.
        InvalidInput: empty, of a type we do not accept, or a broken image.
    """
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"file of {len(data)} bytes is over the {max_bytes}-byte limit",
            message_zh=f"文件超过 {max_bytes // 1_000_000} MB 上限",
            detail={"max_bytes": max_bytes},
        )
    if not data:
        raise InvalidInput("the file is empty", message_zh="文件为空")
    content_type = sniff(data)
    if content_type is None:
        raise InvalidInput(
            "only PNG, JPEG, WebP images, PDF documents and CSV tables are accepted (judged by content, not name)",
            message_zh="只接受 PNG、JPEG、WebP 图片、PDF 文件和 CSV 表格（如物流记录）",
            detail={"accepted": sorted(_EXTENSIONS)},
        )
    if content_type.startswith("image/"):
        data = _reencode(data, content_type)
    elif content_type == "text/csv":
        data = (table_text(data) or "").encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    path = stored_path(root, digest, content_type)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".part")
        temp.write_bytes(data)
        os.replace(temp, path)
    return StoredFile(digest, content_type, len(data), path)


def table_rows(path: Path, *, limit: int = 50) -> list[list[str]]:
    """The first ``limit`` rows of a stored table, split on its delimiter: what a triage page shows."""
    lines = path.read_text(encoding="utf-8").splitlines()
    delimiter = _delimiter(lines) or ","
    return [row for _, row in zip(range(limit), csv.reader(lines, delimiter=delimiter), strict=False)]
