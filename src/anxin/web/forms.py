"""Form posts for pages: the text fields of the submitted form as a plain dict (files are read separately)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from pydantic import ValidationError

from anxin.api.deps import get_locale
from anxin.errors import AnxinError, InvalidInput
from anxin.uploads.store import MAX_UPLOAD_BYTES, StoredFile, store_upload


async def form_fields(request: Request) -> dict[str, str]:
    """Text fields only; the CSRF token is among them and is ignored by the page handlers."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


FormData = Annotated[dict[str, str], Depends(form_fields)]


def field_errors(request: Request, exc: ValidationError | AnxinError) -> tuple[dict[str, str], str]:
    """Messages next to their fields (field name → message) and one line for the top of the form."""
    locale = get_locale(request)
    if isinstance(exc, AnxinError):
        message = exc.localized(locale)
        field = str(exc.detail.get("field", ""))
        return ({field: message} if field else {}), message
    errors = {str(e["loc"][0]): e["msg"] for e in exc.errors()}
    return errors, ("请检查标出的字段" if locale == "zh" else "check the marked fields")


def stored_photos(root: Path, uploads: list[UploadFile], *, field: str = "photos", most: int = 5) -> list[StoredFile]:
    """A form's attached photos through the upload store's checks (sniffed, re-encoded without metadata).

    A refusal (not an image, too large, too many) names ``field`` so the form shows it next to the picker.
    """
    chosen = [f for f in uploads if f.filename]
    if len(chosen) > most:
        raise InvalidInput(f"up to {most} photos", message_zh=f"最多上传 {most} 张照片", detail={"field": field})
    try:
        stored = [store_upload(f.file.read(MAX_UPLOAD_BYTES + 1), root=root) for f in chosen]
    except AnxinError as exc:
        exc.detail.setdefault("field", field)
        raise
    if any(not f.content_type.startswith("image/") for f in stored):
        raise InvalidInput("only photos can be attached here", message_zh="只能上传照片", detail={"field": field})
    return stored
