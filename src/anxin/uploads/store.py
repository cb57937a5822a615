r"""Accept an uploaded file only for what its bytes are, and keep it content-addressed on disk.

Why: a file's name and declared type are whatever the sender says. The type is
sniffed from the first bytes (PNG, JPEG, WebP, PDF); images are decoded and
re-encoded, which drops EXIF (GPS positions of a customer's home, camera serial
numbers) and defeats polyglot files; anything else is refused with the reason.
Files are stored once under ``<data_dir>/uploads/ab/abcdef…`` by the SHA-256 of
the stored bytes, which is also what an evidence bundle's manifest will cite.

>>> sniff(b"%PDF-1.7 ..."), sniff(b"\x89PNG\r\n\x1a\n...."), sniff(b"MZ\x90\x00")
('application/pdf', 'image/png', None)
"""

from __future__ import annotations

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
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "application/pdf": ".pdf"}


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
    return None


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
            "only PNG, JPEG, WebP images and PDF documents are accepted (judged by content, not name)",
            message_zh="只接受 PNG、JPEG、WebP 图片和 PDF 文件",
            detail={"accepted": sorted(_EXTENSIONS)},
        )
    if content_type.startswith("image/"):
        data = _reencode(data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    path = stored_path(root, digest, content_type)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".part")
        temp.write_bytes(data)
        os.replace(temp, path)
    return StoredFile(digest, content_type, len(data), path)
