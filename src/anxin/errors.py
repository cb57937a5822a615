"""Typed domain errors, rendered by the API and the pages in one envelope.

Every error the product raises on purpose subclasses :class:`AnxinError`. This
module imports nothing, so pure algorithm code can raise these errors too (for
example a rule syntax error carrying line and column in ``detail``).

The HTTP layer renders ``{"error": code, "message": <zh|en>, "detail": {...}}``
with the error's status; see ``anxin.api.errors``.

>>> err = NotFound("ticket T1 does not exist", message_zh="工单 T1 不存在", detail={"id": "T1"})
>>> err.code, err.status, err.localized("zh"), err.localized("en")
('not_found', 404, '工单 T1 不存在', 'ticket T1 does not exist')
"""

from __future__ import annotations

from typing import Any, ClassVar


class AnxinError(Exception):
    """Base of every deliberate error: a stable machine code, a status, and a message in zh and en.

    ``code`` and ``status`` are class attributes so routes can declare them in
    ``responses=``; a subclass may override ``code`` for a more precise name.
    """

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, message_zh: str | None = None, detail: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh
        self.detail = detail or {}

    def localized(self, locale: str) -> str:
        """The message in ``locale`` ("zh" or "en"), falling back to English when no Chinese text was given."""
        if locale.startswith("zh") and self.message_zh:
            return self.message_zh
        return self.message


class InvalidInput(AnxinError):
    """The caller sent something we cannot accept; the message says how to fix it."""

    code = "invalid_input"
    status = 422


class NotFound(AnxinError):
    """The thing named does not exist (or the caller may not know that it does)."""

    code = "not_found"
    status = 404


class Conflict(AnxinError):
    """The request clashes with the current state (duplicate name, stale version, illegal transition)."""

    code = "conflict"
    status = 409


class Unauthenticated(AnxinError):
    """No valid session or API key came with the request."""

    code = "unauthenticated"
    status = 401


class Forbidden(AnxinError):
    """The caller is known but its role, scope or tenant does not allow this."""

    code = "forbidden"
    status = 403


class TooManyRequests(AnxinError):
    """The caller hit a rate limit; ``detail["retry_after_s"]`` says when to try again."""

    code = "too_many_requests"
    status = 429


class PayloadTooLarge(AnxinError):
    """The request body is larger than the configured limit."""

    code = "payload_too_large"
    status = 413
