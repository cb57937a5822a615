"""Jinja2 environment shared by every domain's pages, with i18n and the per-request context.

The loader searches ``anxin/web/templates`` and then every domain's own
``templates/`` folder, so a domain keeps its pages next to its routes.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from anxin.api.csrf import csrf_token_for
from anxin.api.deps import get_locale
from anxin.clocks.zones import CHINA
from anxin.web.i18n import translations

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


@cache
def environment() -> Environment:
    folders = [PACKAGE_ROOT / "web" / "templates"]
    folders += sorted(p for p in PACKAGE_ROOT.rglob("templates") if p.is_dir() and p != folders[0])
    env = Environment(
        loader=FileSystemLoader([str(f) for f in folders]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["china_time"] = china_time
    return env


def china_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) moment as the UI shows every time: China time, which staff and customers live in.

    >>> from datetime import UTC
    >>> china_time(datetime(2026, 11, 23, 8, 11, tzinfo=UTC), "%m-%d %H:%M")
    '11-23 16:11'
    """
    return moment.astimezone(CHINA).strftime(fmt) if moment is not None else "—"


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """Render a page with the layout's context: locale, gettext, the caller, its navigation, a CSRF token."""
    locale = get_locale(request)
    principal = getattr(request.state, "principal", None)
    navigation = request.app.state.navigation  # registered by create_app; the shell knows no domain
    env = environment()
    trans = translations(locale)
    page = env.get_template(template)
    html = page.render(
        request=request,
        locale=locale,
        principal=principal,
        nav=navigation(principal),
        csrf_token=csrf_token_for(request),
        _=trans.gettext,
        gettext=trans.gettext,
        ngettext=trans.ngettext,
        **(context or {}),
    )
    return HTMLResponse(html, status_code=status)


def render_error_page(request: Request, status: int, body: dict[str, Any]) -> HTMLResponse:
    return render(request, "error.html", {"status": status, "error": body}, status=status)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths; ``//evil.example`` and absolute URLs fall back to ``default``.

    >>> safe_next("/agent"), safe_next("//evil.example"), safe_next("https://x.y/")
    ('/agent', '/', '/')
    """
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default
