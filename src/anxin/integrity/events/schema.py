"""One versioned event schema for the integrity engine, and a validating parser from plain dicts.

Problem: platforms stream accounts, logins, searches, views, orders, logistics,
refunds, transfers, reviews, subsidy claims and staff overrides (DESIGN §10).
Every runner (HTTP, bulk files, backtest, shadow) must turn the same dict into
the same :class:`Event`, or decisions differ between runners. So the field
definitions live here once, as plain data (:class:`FieldSpec`), and the HTTP
edge builds its Pydantic models from :data:`COMMON_FIELDS` and
:data:`EVENT_ATTRIBUTES` instead of restating them.

Cost: :func:`parse_event` is O(number of fields); it runs once per event at the
edge, never on the decision hot path.

Time is event time in integer milliseconds since the Unix epoch (UTC), so
window arithmetic is exact. Money is an integer in fen (分), so windowed sums
are exact too.

>>> ev = parse_event({"id": "e1", "time": "2026-01-01T08:00:00+08:00", "tenant": "t1",
...                   "type": "order_placed", "actor": "acct-1", "subject": "order-9",
...                   "attributes": {"shop": "s1", "item": "i1", "amount": 1999, "device": "d1"}})
>>> ev.time_ms, ev.type, ev.attrs["amount"]
(1767225600000, 'order_placed', 1999)
>>> parse_event({"id": "e2", "time": 1767225600000, "tenant": "t", "type": "review", "actor": "a",
...              "attributes": {"rating": "five"}})
Traceback (most recent call last):
...
anxin.integrity.events.schema.EventValidationError: attributes.rating: expected an integer, got str ('five')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from anxin.errors import InvalidInput

SCHEMA_VERSION = 1
"""Bump when a field changes meaning; parsers accept ``version`` ≤ this and reject newer ones."""

MAX_ID_LENGTH = 128
MAX_TEXT_LENGTH = 20_000
# 2000-01-01 .. 2100-01-01: anything outside is a unit mistake (seconds vs ms) or clock garbage.
MIN_TIME_MS = 946_684_800_000
MAX_TIME_MS = 4_102_444_800_000

ENTITY_KINDS = ("account", "shop", "item", "device", "ip", "address", "payment", "staff", "order")
"""Entity kinds an event can point to; rules key their windowed features by these."""


class EventValidationError(InvalidInput):
    """An event dict failed validation; ``detail["field"]`` names the offending field path."""

    code = "invalid_event"

    def __init__(self, field_path: str, problem: str):
        super().__init__(
            f"{field_path}: {problem}",
            message_zh=f"字段 {field_path} 无效: {problem}",
            detail={"field": field_path, "problem": problem},
        )
        self.field = field_path


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its name, type, whether it is required, bounds, and what it means.

    ``type`` is one of ``"str"``, ``"int"``, ``"float"``, ``"bool"``,
    ``"list[str]"``; ``entity`` names the entity kind a string field refers to,
    which is what makes the field usable as a feature key (``by=device``).
    """

    name: str
    type: str
    required: bool = False
    description: str = ""
    entity: str | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None

    def __post_init__(self) -> None:
        if self.type not in _CHECKERS:
            raise ValueError(f"FieldSpec {self.name!r}: type must be one of {sorted(_CHECKERS)}, got {self.type!r}")

    @property
    def python_type(self) -> type | Any:
        """The Python annotation for this field, for building Pydantic models at the HTTP edge."""
        return {"str": str, "int": int, "float": float, "bool": bool, "list[str]": list[str]}[self.type]


def _check_str(spec: FieldSpec, value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__} ({value!r})")
    limit = spec.max_length or MAX_TEXT_LENGTH
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters ({len(value)})")
    return value


def _check_int(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"expected an integer, got {type(value).__name__} ({value!r})")
    return _check_bounds(spec, value)


def _check_float(spec: FieldSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__} ({value!r})")
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    return _check_bounds(spec, float(value))


def _check_bool(spec: FieldSpec, value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {type(value).__name__} ({value!r})")
    return value


def _check_str_list(spec: FieldSpec, value: Any) -> Any:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    if len(value) > 100:
        raise ValueError(f"at most 100 entries, got {len(value)}")
    return tuple(value)


def _check_bounds(spec: FieldSpec, value: float) -> Any:
    if spec.min is not None and value < spec.min:
        raise ValueError(f"must be ≥ {spec.min:g}, got {value!r}")
    if spec.max is not None and value > spec.max:
        raise ValueError(f"must be ≤ {spec.max:g}, got {value!r}")
    return value


_CHECKERS = {
    "str": _check_str,
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "list[str]": _check_str_list,
}

COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "str", True, "idempotency key: a second event with this id is a duplicate", max_length=128),
    FieldSpec("time", "int", True, "event time, ms since the Unix epoch (ISO 8601 accepted with a zone)"),
    FieldSpec("tenant", "str", True, "the platform or brand the event belongs to", max_length=128),
    FieldSpec("type", "str", True, "one of EVENT_TYPES"),
    FieldSpec("actor", "str", True, "who acted: an account or a staff id", entity="account", max_length=128),
    FieldSpec("subject", "str", False, "what was acted on (order, item, account…)", max_length=128),
)

# Context any event may carry: where the actor acted from and with what.
_CONTEXT = (
    FieldSpec("device", "str", description="device fingerprint", entity="device", max_length=128),
    FieldSpec("ip", "str", description="client IP address", entity="ip", max_length=64),
    FieldSpec("address", "str", description="normalised shipping address id", entity="address", max_length=256),
    FieldSpec("payment", "str", description="payment instrument token", entity="payment", max_length=128),
)
_SHOP = FieldSpec("shop", "str", description="shop / merchant id", entity="shop", max_length=128)
_ITEM = FieldSpec("item", "str", description="item (SKU) id", entity="item", max_length=128)
_ORDER = FieldSpec("order", "str", description="order id", entity="order", max_length=128)
_AMOUNT = FieldSpec("amount", "int", description="money in fen (分), ≥ 0", min=0, max=10**13)
_QUANTITY = FieldSpec("quantity", "int", description="units", min=0, max=10**9)

EVENT_ATTRIBUTES: dict[str, tuple[FieldSpec, ...]] = {
    "account_created": (
        FieldSpec("phone_hash", "str", description="blind index of the phone number", max_length=128),
        FieldSpec("referrer", "str", description="referring account", entity="account", max_length=128),
    ),
    "login": (FieldSpec("success", "bool", description="whether the login succeeded"),),
    "search": (FieldSpec("query", "str", description="search text", max_length=1000), _SHOP),
    "item_view": (_ITEM, _SHOP, FieldSpec("dwell_ms", "int", description="time on the page", min=0)),
    "order_placed": (_ORDER, _SHOP, _ITEM, _AMOUNT, _QUANTITY),
    "order_paid": (_ORDER, _SHOP, _ITEM, _AMOUNT),
    "order_shipped": (
        _ORDER,
        _SHOP,
        FieldSpec("carrier", "str", max_length=64),
        FieldSpec("tracking", "str", description="tracking number", max_length=64),
    ),
    "order_delivered": (_ORDER, _SHOP, FieldSpec("tracking", "str", max_length=64)),
    "refund": (_ORDER, _SHOP, _AMOUNT, FieldSpec("reason", "str", max_length=1000)),
    "transfer": (
        FieldSpec("to_account", "str", description="receiving account", entity="account", max_length=128),
        _AMOUNT,
    ),
    "review": (
        _ORDER,
        _SHOP,
        _ITEM,
        FieldSpec("rating", "int", description="stars 1..5", min=1, max=5),
        FieldSpec("text", "str", description="review text"),
        FieldSpec("photos", "list[str]", description="photo ids or hashes"),
    ),
    "review_withdrawn": (
        _ORDER,
        _SHOP,
        _ITEM,
        FieldSpec("review", "str", description="id of the review event withdrawn", max_length=128),
    ),
    "subsidy_claim": (
        _SHOP,
        _ORDER,
        _AMOUNT,
        FieldSpec("program", "str", description="subsidy programme", max_length=128),
    ),
    "subsidy_approved": (
        _SHOP,
        _ORDER,
        _AMOUNT,
        FieldSpec("program", "str", description="subsidy programme", max_length=128),
        FieldSpec("claim", "str", description="id of the subsidy_claim event approved", max_length=128),
    ),
    "staff_override": (
        FieldSpec("decision", "str", description="id of the decision overridden", max_length=128),
        FieldSpec("new_action", "str", description="allow / review / block", max_length=16),
        FieldSpec("beneficiary", "str", description="account that benefits", entity="account", max_length=128),
        _SHOP,
        FieldSpec("reason", "str", max_length=1000),
    ),
}
EVENT_ATTRIBUTES = {t: _CONTEXT + specs for t, specs in EVENT_ATTRIBUTES.items()}

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_ATTRIBUTES)
STAFF_EVENT_TYPES = frozenset({"staff_override", "subsidy_approved"})
"""Event types whose actor is a member of the platform's staff, not a customer account."""

ATTRIBUTE_TYPES: dict[str, FieldSpec] = {}
"""Every attribute name across event types → its spec (a name has one type everywhere)."""
for _specs in EVENT_ATTRIBUTES.values():
    for _s in _specs:
        _prev = ATTRIBUTE_TYPES.setdefault(_s.name, _s)
        assert _prev.type == _s.type, f"attribute {_s.name} has two types"  # a schema bug, caught at import
_ATTRS_BY_TYPE = {t: {s.name: s for s in specs} for t, specs in EVENT_ATTRIBUTES.items()}


@dataclass(frozen=True, slots=True)
class Event:
    """One validated event. ``attrs`` holds the type-specific attributes (absent ones are missing keys).

    Frozen so the engine can share it across runners without copies; the
    ``attrs`` dict is treated as read-only by convention.
    """

    id: str
    time_ms: int
    tenant: str
    type: str
    actor: str
    subject: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The plain dict :func:`parse_event` accepts, so events round-trip through JSON."""
        out: dict[str, Any] = {
            "id": self.id,
            "time": self.time_ms,
            "tenant": self.tenant,
            "type": self.type,
            "actor": self.actor,
            "attributes": {k: list(v) if isinstance(v, tuple) else v for k, v in self.attrs.items()},
            "version": self.version,
        }
        if self.subject is not None:
            out["subject"] = self.subject
        return out


@dataclass(frozen=True, slots=True)
class EntityRef:
    """An entity an event points to: its kind (one of ENTITY_KINDS) and its id within the tenant."""

    kind: str
    id: str


def entities(event: Event) -> tuple[EntityRef, ...]:
    """The entities ``event`` links together (actor, device, IP, address, payment, shop, item, order…).

    Why: ring and collusion detectors build their account × device / IP /
    address / payment graph from exactly these links, so they read them from
    the schema instead of hard-coding attribute names.

    >>> ev = Event("e", MIN_TIME_MS, "t", "order_placed", "a1", attrs={"device": "d1", "shop": "s1", "amount": 5})
    >>> [(e.kind, e.id) for e in entities(ev)]
    [('account', 'a1'), ('device', 'd1'), ('shop', 's1')]
    """
    out = [EntityRef("staff" if event.type in STAFF_EVENT_TYPES else "account", event.actor)]
    for spec in EVENT_ATTRIBUTES.get(event.type, ()):
        if spec.entity is not None:
            value = event.attrs.get(spec.name)
            if value is not None:
                out.append(EntityRef(spec.entity, value))
    return tuple(out)


def edge_fields(event_type: str | None = None) -> dict[str, tuple[Any, Any]]:
    """``{name: (annotation, default)}`` for ``pydantic.create_model`` at the HTTP edge.

    With ``event_type``, the attributes of that type (all optional); without,
    the common fields (``time`` accepts ms or an ISO string, so it is typed
    ``int | str``). The edge still calls :func:`parse_event` for the checks.

    >>> edge_fields()["id"], edge_fields("login")["success"]
    ((<class 'str'>, Ellipsis), (bool | None, None))
    """
    if event_type is None:
        out: dict[str, tuple[Any, Any]] = {}
        for spec in COMMON_FIELDS:
            annotation = int | str if spec.name == "time" else spec.python_type
            out[spec.name] = (annotation, ...) if spec.required else (annotation | None, None)
        return out
    specs = EVENT_ATTRIBUTES.get(event_type)
    if specs is None:
        raise ValueError(f"unknown event type {event_type!r}; expected one of {list(EVENT_TYPES)}")
    return {s.name: (s.python_type | None, None) for s in specs}


def parse_time(value: Any, field_path: str = "time") -> int:
    """Event time in ms from an int (ms), or an ISO 8601 string with a zone; floats are rejected as ambiguous."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise EventValidationError(field_path, f"not an ISO 8601 time: {value!r}") from None
        if parsed.tzinfo is None:
            raise EventValidationError(field_path, "add a time zone, e.g. 2026-01-01T08:00:00+08:00")
        ms = int(parsed.timestamp() * 1000)
    elif isinstance(value, int) and not isinstance(value, bool):
        ms = value
    else:
        raise EventValidationError(field_path, f"expected ms since epoch or an ISO 8601 string, got {value!r}")
    if not MIN_TIME_MS <= ms <= MAX_TIME_MS:
        raise EventValidationError(
            field_path, f"{ms} is outside 2000..2100 in milliseconds; did you send seconds instead of ms?"
        )
    return ms


MAX_CLOCK_SKEW_MS = 10 * 60_000
"""How far ahead of the receiver's clock an event time may be: more is a sender clock or unit error."""


def check_not_future(event: Event, now_ms: int) -> None:
    """Refuse an event dated more than 10 minutes after ``now_ms``.

    Why: windows advance with the newest event time, so one event dated next
    week would make every real event after it "late" and uncounted.

    >>> check_not_future(Event("e", MIN_TIME_MS + 3_600_000, "t", "login", "a"), now_ms=MIN_TIME_MS)
    Traceback (most recent call last):
    ...
    anxin.integrity.events.schema.EventValidationError: time: 60 minutes ahead of the server clock; ...
    """
    ahead = event.time_ms - now_ms
    if ahead > MAX_CLOCK_SKEW_MS:
        raise EventValidationError(
            "time",
            f"{ahead // 60_000} minutes ahead of the server clock; check the sender's clock "
            f"(at most {MAX_CLOCK_SKEW_MS // 60_000} minutes)",
        )


def parse_event(data: Any) -> Event:
    """Validate a plain dict (from JSON, CSV or Parquet rows) into an :class:`Event`.

    Raises:
        EventValidationError: naming the first bad field as a path such as
            ``attributes.amount``; unknown attributes are rejected so typos
            do not silently disable rules.
    """
    if not isinstance(data, dict):
        raise EventValidationError("$", f"expected an object, got {type(data).__name__}")
    known = {"id", "time", "tenant", "type", "actor", "subject", "attributes", "version"}
    for key in data:
        if key not in known:
            raise EventValidationError(str(key), f"unknown field; expected one of {sorted(known)}")
    version = data.get("version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise EventValidationError(
            "version", f"this server speaks schema versions 1..{SCHEMA_VERSION}, got {version!r}"
        )
    values: dict[str, Any] = {}
    for spec in COMMON_FIELDS:
        if spec.name not in data or data[spec.name] is None:
            if spec.required:
                raise EventValidationError(spec.name, "required")
            continue
        if spec.name == "time":
            values["time_ms"] = parse_time(data["time"])
            continue
        try:
            values[spec.name] = _CHECKERS[spec.type](spec, data[spec.name])
        except ValueError as exc:
            raise EventValidationError(spec.name, str(exc)) from None
        if spec.type == "str" and not values[spec.name]:
            raise EventValidationError(spec.name, "must not be empty")
    etype = values["type"]
    allowed = _ATTRS_BY_TYPE.get(etype)
    if allowed is None:
        raise EventValidationError("type", f"unknown event type {etype!r}; expected one of {list(EVENT_TYPES)}")
    raw_attrs = data.get("attributes")
    if raw_attrs is None:
        raw_attrs = {}
    if not isinstance(raw_attrs, dict):
        raise EventValidationError("attributes", f"expected an object, got {type(raw_attrs).__name__}")
    attrs: dict[str, Any] = {}
    for key, value in raw_attrs.items():
        spec = allowed.get(key)
        if spec is None:
            raise EventValidationError(
                f"attributes.{key}", f"not an attribute of {etype}; expected one of {sorted(allowed)}"
            )
        if value is None:
            continue
        try:
            attrs[key] = _CHECKERS[spec.type](spec, value)
        except ValueError as exc:
            raise EventValidationError(f"attributes.{key}", str(exc)) from None
    return Event(
        id=values["id"],
        time_ms=values["time_ms"],
        tenant=values["tenant"],
        type=etype,
        actor=values["actor"],
        subject=values.get("subject"),
        attrs=attrs,
        version=version,
    )
