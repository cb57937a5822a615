"""Account, session and API-key use cases. Services never commit; the caller's unit of work does.

Passwords are hashed with argon2id (argon2-cffi's defaults follow RFC 9106's
"second recommended" profile). Session tokens and API-key secrets are 256-bit
random values, so a plain SHA-256 of them is enough at rest and keeps the
per-request look-up to one indexed read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from anxin.auth import tenancy
from anxin.auth.models import ApiKey, LoginFailure, User, WebSession
from anxin.auth.permissions import (
    API_KEY_SCOPES,
    BRAND_SCOPED_ROLES,
    GRANTS,
    ROLE_LABELS,
    STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE,
    Permission,
    Role,
)
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthenticated
from anxin.store.base import utcnow
from anxin.text import N_

_hasher = PasswordHasher()
# Verifying against this keeps unknown usernames as slow as wrong passwords (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("anxin-dummy-password")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person through a session, or an integrator through an API key."""

    user_id: int
    username: str
    role: Role | None
    brand_id: int | None
    via: str  # "session" or "api_key"
    scopes: frozenset[str] = field(default_factory=frozenset)
    csrf_token: str | None = None
    api_key_id: int | None = None

    @property
    def role_label(self) -> str:
        """English msgid of the role's name; templates translate it."""
        return ROLE_LABELS[self.role] if self.role else N_("API key")

    def may(self, permission: Permission) -> bool:
        if self.via == "api_key":
            return permission.value in self.scopes
        return self.role is not None and self.role in GRANTS[permission]

    def can_see_brand(self, brand_id: int | None) -> bool:
        """Tenancy: brand-bound callers see only their brand; platform-wide callers see all."""
        return self.brand_id is None or self.brand_id == brand_id


def principal_of(user: User, *, via: str = "session") -> Principal:
    """The principal a trusted caller (CLI, demo loader, tests) acts as when it acts for ``user``."""
    return Principal(user_id=user.id, username=user.username, role=Role(user.role), brand_id=user.brand_id, via=via)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise InvalidInput("password must have at least 8 characters", message_zh="密码至少需要 8 个字符")
    return _hasher.hash(password)


# --- users -----------------------------------------------------------------


def get_user(session: Session, *, user_id: int, viewer: Principal | None = None) -> User:
    """A user by id; a viewer outside the user's brand gets NotFound, not a hint that the user exists."""
    user = session.get(User, user_id)
    if user is None or (viewer is not None and not viewer.can_see_brand(user.brand_id)):
        raise NotFound(f"user {user_id} does not exist", message_zh=f"用户 {user_id} 不存在")
    return user


def display_names(session: Session) -> dict[int, str]:
    """User id → display name, for pages and exports that name who did what."""
    return {user_id: name for user_id, name in session.execute(select(User.id, User.display_name))}


def get_user_by_username(session: Session, *, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_users(session: Session, *, viewer: Principal) -> list[User]:
    query = select(User).order_by(User.id)
    if viewer.brand_id is not None:
        query = query.where(User.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    brand_id: int | None = None,
    creator: Principal | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account. ``creator`` None means a trusted caller (CLI, demo); otherwise tenancy applies.

    ``password_hash`` (trusted callers only) stores an argon2 hash made earlier instead of hashing
    ``password`` again: the demo's accounts share one published password, hashed once per process.
    """
    if password_hash is not None and (creator is not None or not password_hash.startswith("$argon2")):
        raise InvalidInput("a ready password hash is for trusted callers and must be argon2", message_zh="密码散列无效")
    if creator is not None and creator.role is Role.brand_admin:
        if role not in STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE:
            raise Forbidden(
                f"a brand admin may create only {', '.join(sorted(STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE))} accounts",
                message_zh="品牌管理员只能创建客服、调度和师傅账号",
            )
        brand_id = creator.brand_id
    if role in BRAND_SCOPED_ROLES and brand_id is None:
        raise InvalidInput(
            f"role {role} needs a brand",
            message_zh=f"角色 {role} 必须属于一个品牌",
            detail={"field": "brand_id"},
        )
    if role is Role.consumer and brand_id is not None:
        raise InvalidInput("a consumer belongs to no brand", message_zh="消费者账号不属于任何品牌")
    if brand_id is not None:
        tenancy.get_brand(session, brand_id=brand_id)
    if get_user_by_username(session, username=username) is not None:
        raise Conflict(f"username {username!r} is taken", message_zh=f"用户名 {username} 已被占用")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=password_hash or hash_password(password),
        role=role.value,
        brand_id=brand_id,
    )
    session.add(user)
    session.flush()
    return user


def deactivate_user(session: Session, *, user_id: int, actor: Principal) -> User:
    user = get_user(session, user_id=user_id, viewer=actor)
    if user.id == actor.user_id:
        raise Conflict("you cannot deactivate your own account", message_zh="不能停用自己的账号")
    user.active = False
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


# --- login and sessions ----------------------------------------------------


def _recent_failures(session: Session, *, column: object, value: str, since: datetime) -> int:
    return session.scalar(select(func.count()).where(column == value, LoginFailure.at >= since)) or 0


def authenticate(
    session: Session,
    *,
    username: str,
    password: str,
    ip: str,
    max_failures: int,
    window_s: int,
    now: datetime | None = None,
) -> User:
    """Check a password, rate-limited per username+IP and (at 4× the limit) per IP alone.

    Failures are recorded in the caller's transaction, so the caller must
    commit even when this raises (the login route does).
    """
    now = now or utcnow()
    since = now - timedelta(seconds=window_s)
    per_pair = session.scalar(
        select(func.count()).where(LoginFailure.username == username, LoginFailure.ip == ip, LoginFailure.at >= since)
    )
    per_ip = _recent_failures(session, column=LoginFailure.ip, value=ip, since=since)
    if (per_pair or 0) >= max_failures or per_ip >= 4 * max_failures:
        raise TooManyRequests(
            "too many failed logins; wait and try again",
            message_zh="登录失败次数过多，请稍后再试",
            detail={"retry_after_s": window_s},
        )
    user = get_user_by_username(session, username=username)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        session.add(LoginFailure(username=username, ip=ip, at=now))
        raise Unauthenticated("wrong username or password", message_zh="用户名或密码错误")
    assert user is not None
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.ip == ip))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def start_session(
    session: Session, *, user: User, ttl: timedelta, now: datetime | None = None
) -> tuple[str, WebSession]:
    """Create a browser session; returns the raw cookie token (shown once) and the row."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=_sha256(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    session.flush()
    return token, row


def principal_from_session(session: Session, *, token: str, now: datetime | None = None) -> Principal | None:
    row = session.get(WebSession, _sha256(token))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        brand_id=user.brand_id,
        via="session",
        csrf_token=row.csrf_token,
    )


def end_session(session: Session, *, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _sha256(token)))


# --- API keys --------------------------------------------------------------


def create_api_key(session: Session, *, name: str, scopes: list[str], creator: Principal) -> tuple[str, ApiKey]:
    """Issue a key; returns the full key (shown once) and the row. Scopes never exceed the creator's rights."""
    unknown = sorted(set(scopes) - {p.value for p in API_KEY_SCOPES})
    if unknown or not scopes:
        raise InvalidInput(
            f"unknown or empty scopes {unknown}; choose from {sorted(p.value for p in API_KEY_SCOPES)}",
            message_zh="权限范围无效",
            detail={"field": "scopes", "allowed": sorted(p.value for p in API_KEY_SCOPES)},
        )
    beyond = sorted(s for s in scopes if not creator.may(Permission(s)))
    if beyond:
        raise Forbidden(f"you cannot grant scopes you do not hold: {beyond}", message_zh="不能授予自己没有的权限")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    row = ApiKey(
        prefix=prefix,
        secret_hash=_sha256(secret),
        name=name,
        scopes=sorted(set(scopes)),
        brand_id=creator.brand_id,
        created_by=creator.user_id,
    )
    session.add(row)
    session.flush()
    return f"ak_{prefix}_{secret}", row


def list_api_keys(session: Session, *, viewer: Principal) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id)
    if viewer.brand_id is not None:
        query = query.where(ApiKey.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def revoke_api_key(session: Session, *, key_id: int, actor: Principal) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None or not actor.can_see_brand(row.brand_id):
        raise NotFound(f"API key {key_id} does not exist", message_zh=f"API 密钥 {key_id} 不存在")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def principal_from_api_key(session: Session, *, key: str) -> Principal | None:
    """Resolve ``ak_<prefix>_<secret>``; revoked keys stop working on the very next request."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "ak":
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_hash, _sha256(parts[2])):
        return None
    owner = session.get(User, row.created_by)
    if owner is None or not owner.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        row.last_used_at = now  # at most one write a minute per key, not one per request
    return Principal(
        user_id=owner.id,
        username=f"{owner.username}:{row.name}",
        role=None,
        brand_id=row.brand_id,
        via="api_key",
        scopes=frozenset(row.scopes),
        api_key_id=row.id,
    )
