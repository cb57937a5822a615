"""Form posts for pages: the text fields of the submitted form as a plain dict (files are read separately)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request


async def form_fields(request: Request) -> dict[str, str]:
    """Text fields only; the CSRF token is among them and is ignored by the page handlers."""
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


FormData = Annotated[dict[str, str], Depends(form_fields)]
