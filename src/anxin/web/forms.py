"""Form posts for pages: the text fields of the submitted form as a plain dict (files are read separately)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import ValidationError

from anxin.api.deps import get_locale
from anxin.errors import AnxinError


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
