"""Public pages: the home page (who we are, brands served) and the zh/en switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from anxin.api.deps import LOCALE_COOKIE, LOCALES, SessionDep
from anxin.auth import tenancy
from anxin.auth.guard import MaybePrincipal
from anxin.errors import InvalidInput
from anxin.web.templating import render, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, session: SessionDep, _caller: MaybePrincipal):
    return render(request, "home.html", {"brands": tenancy.list_brands(session)})


@router.get("/lang/{locale}")
def switch_language(locale: str, _caller: MaybePrincipal, next: str | None = None):
    if locale not in LOCALES:
        raise InvalidInput(f"unknown language {locale!r}; use zh or en", message_zh="仅支持 zh 或 en")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 86400, samesite="lax")
    return response
