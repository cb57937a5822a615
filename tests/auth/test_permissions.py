"""The permission table itself: complete, consistent with tenancy and start pages."""

from anxin.auth.permissions import (
    API_KEY_SCOPES,
    BRAND_SCOPED_ROLES,
    GRANTS,
    PERMISSION_LABELS,
    ROLE_LABELS,
    START_PAGES,
    Permission,
    Role,
    allowed,
)


def test_every_permission_is_granted_to_someone_and_labelled():
    assert set(GRANTS) == set(Permission)
    assert all(GRANTS[p] for p in Permission)
    assert set(PERMISSION_LABELS) == set(Permission)


def test_every_role_has_a_start_page_and_a_label():
    assert set(START_PAGES) == set(Role)
    assert set(ROLE_LABELS) == set(Role)
    assert len(set(START_PAGES.values())) == len(Role)


def test_consumers_cannot_manage_and_admins_can():
    assert not allowed(Role.consumer, Permission.users_manage)
    assert allowed(Role.platform_admin, Permission.users_manage)
    assert allowed(Role.brand_admin, Permission.users_manage)
    assert not allowed(Role.technician, Permission.page_dispatch)


def test_api_keys_never_open_pages_or_account_management():
    assert not any(p.value.startswith("page:") for p in API_KEY_SCOPES)
    assert Permission.users_manage not in API_KEY_SCOPES


def test_brand_scoped_roles_are_staff():
    assert Role.consumer not in BRAND_SCOPED_ROLES
    assert Role.platform_admin not in BRAND_SCOPED_ROLES
