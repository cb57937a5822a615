"""One error envelope for the API and one error page for the UI.

``{"error": code, "message": <zh|en>, "detail": {...}}`` with the error's
status. Request validation becomes 422 with field paths; unknown routes and
methods use the same shape; anything unexpected becomes 500 with a request id
that is also written to the log, never "Unknown".
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from anxin.api.deps import get_locale
from anxin.errors import AnxinError, Unauthenticated

log = logging.getLogger("anxin.api")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
_HTTP_MESSAGES = {
    404: ("no such page or endpoint", "页面或接口不存在"),
    405: ("this method is not allowed here", "不支持该请求方法"),
    413: ("the request body is too large", "请求体过大"),
}


def envelope(code: str, message: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "detail": detail or {}}


def error_schema(*errors: type[AnxinError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for routes: each error's status with the envelope's JSON shape."""
    shape = {
        "type": "object",
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "detail": {"type": "object"},
        },
        "required": ["error", "message", "detail"],
    }
    return {
        err.status: {
            "description": err.__doc__ or err.code,
            "content": {"application/json": {"schema": shape}},
        }
        for err in errors
    }


def wants_html(request: Request) -> bool:
    """Pages get the HTML error page; /api routes and non-browser clients get JSON."""
    if request.url.path.startswith("/api/") or request.headers.get("hx-request"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _render(request: Request, status: int, body: dict[str, Any]) -> Response:
    page = getattr(request.app.state, "render_error_page", None)
    if page is not None and wants_html(request):
        return page(request, status, body)  # the web shell registers it; api must not import web
    return JSONResponse(body, status_code=status)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "query", "path", "form"))


async def _anxin_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AnxinError)
    if isinstance(exc, Unauthenticated) and wants_html(request):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    body = envelope(exc.code, exc.localized(get_locale(request)), exc.detail)
    response = _render(request, exc.status, body)
    if retry := exc.detail.get("retry_after_s"):
        response.headers["Retry-After"] = str(retry)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    zh = get_locale(request) == "zh"
    errors = [
        {"field": _field_path(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    if any(e["type"] == "json_invalid" for e in errors):
        message = "请求体不是有效的 JSON" if zh else "the request body is not valid JSON"
    else:
        fields = ", ".join(sorted({e["field"] or "body" for e in errors}))
        message = f"请检查以下字段：{fields}" if zh else f"check these fields: {fields}"
    return _render(request, 422, envelope("invalid_input", message, {"errors": errors}))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    en, zh = _HTTP_MESSAGES.get(exc.status_code, (str(exc.detail), str(exc.detail)))
    message = zh if get_locale(request) == "zh" else en
    return _render(request, exc.status_code, envelope(_HTTP_CODES.get(exc.status_code, "http_error"), message))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "-")
    log.exception("unhandled error on %s %s [request %s]", request.method, request.url.path, request_id)
    zh = get_locale(request) == "zh"
    message = (
        f"服务器内部错误，请联系我们并提供请求编号 {request_id}"
        if zh
        else f"internal error; quote request id {request_id} when you contact us"
    )
    response = _render(request, 500, envelope("internal", message, {"request_id": request_id}))
    response.headers["x-request-id"] = request_id  # this handler runs outside RequestIdMiddleware
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AnxinError, _anxin_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
