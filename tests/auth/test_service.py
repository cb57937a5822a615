"""Auth use cases against a real database file (or PostgreSQL), data made through our own services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.models import User
from anxin.auth.permissions import Permission, Role
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, Unauthenticated

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _principal(user: User) -> auth.Principal:
    return auth.principal_of(user)


@pytest.fixture
def two_brands(db: Session):
    a = tenancy.create_brand(db, slug="brand-a", name_zh="甲品牌", name_en="Brand A")
    b = tenancy.create_brand(db, slug="brand-b", name_zh="乙品牌", name_en="Brand B")
    admin_a = auth.create_user(db, username="admin-a", password="password-a1", role=Role.brand_admin, brand_id=a.id)
    admin_b = auth.create_user(db, username="admin-b", password="password-b1", role=Role.brand_admin, brand_id=b.id)
    root = auth.create_user(db, username="root", password="password-r1", role=Role.platform_admin)
    return a, b, admin_a, admin_b, root


class TestCreateUser:
    def test_brand_staff_need_a_brand(self, db):
        with pytest.raises(InvalidInput) as err:
            auth.create_user(db, username="agent1", password="long-enough", role=Role.agent)
        assert err.value.detail["field"] == "brand_id"

    def test_consumer_has_no_brand(self, db, two_brands):
        a, *_ = two_brands
        with pytest.raises(InvalidInput):
            auth.create_user(db, username="c1", password="long-enough", role=Role.consumer, brand_id=a.id)

    def test_a_ready_hash_is_for_trusted_callers_and_must_be_argon2(self, db):
        ready = auth.hash_password("shared-demo-pass")
        user = auth.create_user(db, username="c2", password="ignored!", role=Role.consumer, password_hash=ready)
        assert user.password_hash == ready
        with pytest.raises(InvalidInput, match="argon2"):
            auth.create_user(db, username="c3", password="x" * 8, role=Role.consumer, password_hash="md5:abc")
        creator = auth.principal_of(user)
        with pytest.raises(InvalidInput, match="trusted"):
            auth.create_user(db, username="c4", password="x" * 8, role=Role.consumer, password_hash=ready,
                             creator=creator)  # fmt: skip

    def test_short_password_refused(self, db):
        with pytest.raises(InvalidInput):
            auth.create_user(db, username="c2", password="short", role=Role.consumer)

    def test_duplicate_username_conflicts(self, db, two_brands):
        with pytest.raises(Conflict):
            auth.create_user(db, username="root", password="long-enough", role=Role.consumer)

    def test_unknown_brand_is_not_found(self, db):
        with pytest.raises(NotFound):
            auth.create_user(db, username="a9", password="long-enough", role=Role.agent, brand_id=999)

    def test_brand_admin_creates_staff_only_in_own_brand(self, db, two_brands):
        a, b, admin_a, *_ = two_brands
        staff = auth.create_user(
            db, username="agent-a", password="long-enough", role=Role.agent, brand_id=b.id, creator=_principal(admin_a)
        )
        assert staff.brand_id == a.id  # the creator's brand wins over the one asked for
        with pytest.raises(Forbidden):
            auth.create_user(
                db, username="boss", password="long-enough", role=Role.platform_admin, creator=_principal(admin_a)
            )

    def test_password_is_stored_as_argon2_hash(self, db):
        user = auth.create_user(db, username="c3", password="secret-words", role=Role.consumer)
        assert user.password_hash.startswith("$argon2id$")
        assert "secret-words" not in user.password_hash


class TestTenancy:
    def test_brand_admin_lists_only_own_brand(self, db, two_brands):
        *_, admin_a, _admin_b, root = two_brands
        seen = {u.username for u in auth.list_users(db, viewer=_principal(admin_a))}
        assert seen == {"admin-a"}
        assert len(auth.list_users(db, viewer=_principal(root))) == 3

    def test_other_brands_user_is_not_found(self, db, two_brands):
        _a, _b, admin_a, admin_b, _root = two_brands
        with pytest.raises(NotFound):
            auth.get_user(db, user_id=admin_b.id, viewer=_principal(admin_a))


class TestAuthenticate:
    def _login(self, db, password, *, now, ip="10.0.0.1"):
        return auth.authenticate(db, username="root", password=password, ip=ip, max_failures=3, window_s=300, now=now)

    def test_right_password_logs_in(self, db, two_brands):
        assert self._login(db, "password-r1", now=T0).username == "root"

    def test_wrong_password_and_unknown_user_fail_alike(self, db, two_brands):
        with pytest.raises(Unauthenticated):
            self._login(db, "nope-nope", now=T0)
        with pytest.raises(Unauthenticated):
            auth.authenticate(
                db, username="ghost", password="x" * 9, ip="1.1.1.1", max_failures=3, window_s=300, now=T0
            )

    def test_rate_limit_after_failures_then_window_passes(self, db, two_brands):
        for i in range(3):
            with pytest.raises(Unauthenticated):
                self._login(db, "wrong-pass", now=T0 + timedelta(seconds=i))
        with pytest.raises(TooManyRequests) as err:
            self._login(db, "password-r1", now=T0 + timedelta(seconds=10))
        assert err.value.detail["retry_after_s"] == 300
        # another IP is not blocked by this pair's failures
        assert self._login(db, "password-r1", now=T0 + timedelta(seconds=11), ip="10.0.0.2")
        # after the window the pair may try again
        assert self._login(db, "password-r1", now=T0 + timedelta(seconds=400))

    def test_deactivated_user_cannot_log_in(self, db, two_brands):
        *_, admin_b, root = two_brands
        auth.deactivate_user(db, user_id=admin_b.id, actor=_principal(root))
        with pytest.raises(Unauthenticated):
            auth.authenticate(
                db, username="admin-b", password="password-b1", ip="1.2.3.4", max_failures=3, window_s=300, now=T0
            )


class TestSessions:
    def test_session_resolves_until_expiry(self, db, two_brands):
        *_, root = two_brands
        token, row = auth.start_session(db, user=root, ttl=timedelta(hours=1), now=T0)
        principal = auth.principal_from_session(db, token=token, now=T0 + timedelta(minutes=59))
        assert principal is not None and principal.csrf_token == row.csrf_token
        assert auth.principal_from_session(db, token=token, now=T0 + timedelta(hours=2)) is None
        assert auth.principal_from_session(db, token="forged", now=T0) is None

    def test_logout_ends_session(self, db, two_brands):
        *_, root = two_brands
        token, _ = auth.start_session(db, user=root, ttl=timedelta(hours=1), now=T0)
        auth.end_session(db, token=token)
        assert auth.principal_from_session(db, token=token, now=T0) is None


class TestApiKeys:
    def test_issue_resolve_revoke(self, db, two_brands):
        *_, root = two_brands
        key, row = auth.create_api_key(db, name="shop", scopes=["self:read"], creator=_principal(root))
        assert row.secret_hash not in key and key.startswith(f"ak_{row.prefix}_")
        principal = auth.principal_from_api_key(db, key=key)
        assert principal is not None and principal.may(Permission.self_read)
        assert not principal.may(Permission.users_read)
        auth.revoke_api_key(db, key_id=row.id, actor=_principal(root))
        assert auth.principal_from_api_key(db, key=key) is None

    def test_wrong_secret_and_garbage_refused(self, db, two_brands):
        *_, root = two_brands
        key, _ = auth.create_api_key(db, name="shop", scopes=["self:read"], creator=_principal(root))
        assert auth.principal_from_api_key(db, key=key[:-2] + "xx") is None
        assert auth.principal_from_api_key(db, key="not-a-key") is None

    def test_scopes_validated(self, db, two_brands):
        *_, root = two_brands
        with pytest.raises(InvalidInput):
            auth.create_api_key(db, name="x", scopes=["page:audit"], creator=_principal(root))
        with pytest.raises(InvalidInput):
            auth.create_api_key(db, name="x", scopes=[], creator=_principal(root))

    def test_brand_admin_keys_are_brand_bound_and_invisible_to_other_brands(self, db, two_brands):
        a, _b, admin_a, admin_b, _root = two_brands
        _key, row = auth.create_api_key(db, name="a-shop", scopes=["self:read"], creator=_principal(admin_a))
        assert row.brand_id == a.id
        assert auth.list_api_keys(db, viewer=_principal(admin_b)) == []
        with pytest.raises(NotFound):
            auth.revoke_api_key(db, key_id=row.id, actor=_principal(admin_b))
