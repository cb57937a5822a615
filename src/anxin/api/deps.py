"""Annotated dependency aliases: the request's database session, settings and locale.

The session is the request's unit of work: it commits once when the route
returns and rolls back when anything raises. Services never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from anxin.config import Settings
from anxin.privacy.crypto import KeyRing
from anxin.store.db import unit_of_work

LOCALES = ("zh", "en")
LOCALE_COOKIE = "anxin_locale"


def get_session(request: Request) -> Iterator[Session]:
    with unit_of_work(request.app.state.sessionmaker) as session:
        yield session


def get_key_ring(request: Request) -> KeyRing:
    return request.app.state.key_ring


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def pick_locale(request: Request, default: str) -> str:
    """``?lang=``, then the locale cookie, then the configured default (zh): pages are Chinese first.

    API clients (paths under /api) may also ask for English with Accept-Language.
    """
    for candidate in (request.query_params.get("lang"), request.cookies.get(LOCALE_COOKIE)):
        if candidate in LOCALES:
            return candidate
    if request.url.path.startswith("/api/"):
        accept = request.headers.get("accept-language", "").strip().lower()
        if accept.startswith("en"):
            return "en"
        if accept.startswith("zh"):
            return "zh"
    return default


def get_locale(request: Request) -> str:
    return pick_locale(request, request.app.state.settings.default_locale)


# scope="function": commit before the response is sent, so "201 Created" means the row is durable and a
# commit failure reaches the client. FastAPI's default ("request") would commit after the response.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
KeyRingDep = Annotated[KeyRing, Depends(get_key_ring)]
LocaleDep = Annotated[str, Depends(get_locale)]
