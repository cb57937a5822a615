"""Duplicate requests: the same customer reporting the same fault again while the first is still open.

People call twice when nobody calls back; a second ticket splits the history
and double-books a technician. The intake offers to merge instead of refusing
(every request is accepted). Linear in the customer's open tickets, which are few.

>>> from datetime import datetime, timedelta
>>> now = datetime(2026, 11, 24, 10, 0)
>>> open_ = [OpenTicket(7, "lock_wont_open", now - timedelta(hours=3)), OpenTicket(9, "battery", now)]
>>> likely_duplicate(open_, fault="lock_wont_open", now=now)
7
>>> likely_duplicate(open_, fault="lock_wont_open", now=now + timedelta(days=5)) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

DEFAULT_WINDOW = timedelta(hours=72)


class OpenTicket(NamedTuple):
    id: int
    fault: str
    created_at: datetime


def likely_duplicate(
    open_tickets: Iterable[OpenTicket], *, fault: str, now: datetime, window: timedelta = DEFAULT_WINDOW
) -> int | None:
    """The newest open ticket of the same fault within ``window`` before ``now``, or None."""
    matches = [t for t in open_tickets if t.fault == fault and timedelta(0) <= now - t.created_at <= window]
    return max(matches, key=lambda t: t.created_at).id if matches else None
