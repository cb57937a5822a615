"""Serving files kept in the upload store to a viewer the calling route has already checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse

from anxin.errors import NotFound
from anxin.uploads.store import stored_path


def attached_photo(root: Path, photos: list[dict[str, Any]], index: int) -> FileResponse:
    """Photo ``index`` of a record's ``[{sha256, type, size}]`` list, or NotFound."""
    if not 0 <= index < len(photos):
        raise NotFound("no such photo", message_zh="照片不存在")
    photo = photos[index]
    return FileResponse(stored_path(root, photo["sha256"], photo["type"]), media_type=photo["type"])
