"""The role × permission table: the one place that says who may do what.

Every route names exactly one :class:`Permission` (or :data:`PUBLIC`) through
``anxin.auth.guard.Allow``; a test walks the app's routes and fails for a route
that names none, then checks every role against this table.

Roles marked brand-scoped belong to one brand and only see that brand's rows.
API keys carry *scopes*, which are permission names from :data:`API_KEY_SCOPES`.

>>> allowed(Role.agent, Permission.self_read), allowed(Role.consumer, Permission.users_manage)
(True, False)
"""

from __future__ import annotations

from enum import StrEnum

from anxin.text import N_


class Role(StrEnum):
    consumer = "consumer"
    agent = "agent"
    dispatcher = "dispatcher"
    technician = "technician"
    brand_admin = "brand_admin"
    risk_analyst = "risk_analyst"
    auditor = "auditor"
    platform_admin = "platform_admin"


BRAND_SCOPED_ROLES = frozenset({Role.agent, Role.dispatcher, Role.technician, Role.brand_admin})
"""Roles that must belong to a brand and are confined to it."""

STAFF_ROLES_A_BRAND_ADMIN_MAY_CREATE = frozenset({Role.agent, Role.dispatcher, Role.technician})


class Permission(StrEnum):
    self_read = "self:read"
    users_read = "users:read"
    users_manage = "users:manage"
    brands_manage = "brands:manage"
    api_keys_manage = "api_keys:manage"
    hotlines_read = "hotlines:read"
    hotlines_register = "hotlines:register"
    hotlines_review = "hotlines:review"
    scans_review = "scans:review"
    tickets_create = "tickets:create"
    tickets_read = "tickets:read"
    tickets_update = "tickets:update"
    dispatch_run = "dispatch:run"
    jobs_work = "jobs:work"
    network_read = "network:read"
    network_manage = "network:manage"
    events_ingest = "events:ingest"
    decisions_read = "decisions:read"
    decisions_override = "decisions:override"
    rules_manage = "rules:manage"
    lists_manage = "lists:manage"
    findings_manage = "findings:manage"
    cases_manage = "cases:manage"
    penalties_manage = "penalties:manage"
    penalties_appeal = "penalties:appeal"
    reports_manage = "reports:manage"
    library_read = "library:read"
    library_write = "library:write"
    complaints_manage = "complaints:manage"
    members_manage = "members:manage"
    sla_manage = "sla:manage"
    page_consumer = "page:consumer"
    page_agent = "page:agent"
    page_dispatch = "page:dispatch"
    page_technician = "page:technician"
    page_brand_admin = "page:brand_admin"
    page_risk = "page:risk"
    page_audit = "page:audit"
    page_platform_admin = "page:platform_admin"


PUBLIC = None
"""Marker for routes anyone may call (health, login, brand list, number check)."""

_EVERYONE = frozenset(Role)

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.self_read: _EVERYONE,
    Permission.users_read: frozenset({Role.brand_admin, Role.platform_admin, Role.auditor}),
    Permission.users_manage: frozenset({Role.brand_admin, Role.platform_admin}),
    Permission.brands_manage: frozenset({Role.platform_admin}),
    Permission.api_keys_manage: frozenset({Role.brand_admin, Role.platform_admin}),
    Permission.hotlines_read: frozenset({Role.brand_admin, Role.platform_admin, Role.risk_analyst, Role.auditor}),
    Permission.hotlines_register: frozenset({Role.brand_admin}),
    Permission.hotlines_review: frozenset({Role.platform_admin}),
    Permission.scans_review: frozenset({Role.risk_analyst, Role.platform_admin}),
    Permission.tickets_create: frozenset({Role.agent, Role.brand_admin}),
    Permission.tickets_read: frozenset(
        {Role.agent, Role.dispatcher, Role.brand_admin, Role.platform_admin, Role.auditor}
    ),
    Permission.tickets_update: frozenset({Role.agent, Role.dispatcher, Role.brand_admin}),
    Permission.dispatch_run: frozenset({Role.dispatcher, Role.brand_admin}),
    Permission.jobs_work: frozenset({Role.technician}),
    Permission.network_read: frozenset(
        {Role.agent, Role.dispatcher, Role.technician, Role.brand_admin, Role.platform_admin, Role.auditor}
    ),
    Permission.network_manage: frozenset({Role.brand_admin}),
    Permission.events_ingest: frozenset({Role.platform_admin, Role.brand_admin}),
    Permission.decisions_read: frozenset({Role.risk_analyst, Role.platform_admin, Role.auditor, Role.brand_admin}),
    Permission.decisions_override: frozenset({Role.risk_analyst}),
    Permission.rules_manage: frozenset({Role.risk_analyst}),
    Permission.lists_manage: frozenset({Role.risk_analyst}),
    Permission.findings_manage: frozenset({Role.risk_analyst}),
    Permission.cases_manage: frozenset({Role.risk_analyst}),
    Permission.penalties_manage: frozenset({Role.risk_analyst}),
    Permission.penalties_appeal: frozenset({Role.brand_admin}),
    Permission.reports_manage: frozenset({Role.risk_analyst}),
    Permission.library_read: frozenset(
        {Role.agent, Role.dispatcher, Role.technician, Role.brand_admin, Role.platform_admin}
    ),
    Permission.library_write: frozenset({Role.agent, Role.technician, Role.brand_admin}),
    Permission.complaints_manage: frozenset({Role.brand_admin}),
    Permission.members_manage: frozenset({Role.brand_admin}),
    Permission.sla_manage: frozenset({Role.brand_admin}),
    Permission.page_consumer: _EVERYONE,
    Permission.page_agent: frozenset({Role.agent, Role.brand_admin}),
    Permission.page_dispatch: frozenset({Role.dispatcher, Role.brand_admin}),
    Permission.page_technician: frozenset({Role.technician}),
    Permission.page_brand_admin: frozenset({Role.brand_admin}),
    Permission.page_risk: frozenset({Role.risk_analyst}),
    Permission.page_audit: frozenset({Role.auditor}),
    Permission.page_platform_admin: frozenset({Role.platform_admin}),
}

API_KEY_SCOPES = frozenset(
    {
        Permission.self_read,
        Permission.users_read,
        Permission.hotlines_read,
        Permission.events_ingest,
        Permission.decisions_read,
    }
)
"""Permissions an integrator's API key may carry; pages and account management need a person."""

START_PAGES: dict[Role, str] = {
    Role.consumer: "/me",
    Role.agent: "/agent",
    Role.dispatcher: "/dispatch",
    Role.technician: "/tech",
    Role.brand_admin: "/brand",
    Role.risk_analyst: "/risk",
    Role.auditor: "/audit",
    Role.platform_admin: "/admin",
}


ROLE_LABELS: dict[Role, str] = {
    Role.consumer: N_("Consumer"),
    Role.agent: N_("Call-center agent"),
    Role.dispatcher: N_("Dispatcher"),
    Role.technician: N_("Technician"),
    Role.brand_admin: N_("Brand admin"),
    Role.risk_analyst: N_("Risk analyst"),
    Role.auditor: N_("Auditor"),
    Role.platform_admin: N_("Platform administrator"),
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.self_read: N_("See your own account"),
    Permission.users_read: N_("See accounts"),
    Permission.users_manage: N_("Create and deactivate accounts"),
    Permission.brands_manage: N_("Add brands"),
    Permission.api_keys_manage: N_("Issue and revoke API keys"),
    Permission.hotlines_read: N_("See registered hotlines"),
    Permission.hotlines_register: N_("Register the brand's hotlines"),
    Permission.hotlines_review: N_("Verify, reject and revoke hotlines"),
    Permission.scans_review: N_("Review scanned fake-hotline pages"),
    Permission.tickets_create: N_("Take repair requests"),
    Permission.tickets_read: N_("See tickets"),
    Permission.tickets_update: N_("Move tickets through their lifecycle"),
    Permission.dispatch_run: N_("Run auto-dispatch and assign technicians"),
    Permission.jobs_work: N_("Work on your own jobs"),
    Permission.network_read: N_("See stations and technicians"),
    Permission.network_manage: N_("Manage stations and technicians"),
    Permission.events_ingest: N_("Send events to the integrity engine"),
    Permission.decisions_read: N_("See the engine's decisions"),
    Permission.decisions_override: N_("Override a decision (recorded in the journal and the audit log)"),
    Permission.rules_manage: N_("Write, test and activate rules"),
    Permission.lists_manage: N_("Edit block and allow lists"),
    Permission.findings_manage: N_("Run detectors and review their findings"),
    Permission.cases_manage: N_("Open and work cases, export evidence"),
    Permission.penalties_manage: N_("Impose penalties and review appeals"),
    Permission.penalties_appeal: N_("Appeal penalties on your own technicians"),
    Permission.reports_manage: N_("Triage and answer consumer reports"),
    Permission.library_read: N_("Search the case library"),
    Permission.library_write: N_("Write up solved repairs for the case library"),
    Permission.complaints_manage: N_("Investigate and answer complaints, grant refunds"),
    Permission.members_manage: N_("Manage membership tiers and members"),
    Permission.sla_manage: N_("Set the brand's response and arrival promises"),
    Permission.page_consumer: N_("Consumer pages"),
    Permission.page_agent: N_("Intake desk"),
    Permission.page_dispatch: N_("Dispatch board"),
    Permission.page_technician: N_("Technician job page"),
    Permission.page_brand_admin: N_("Brand console"),
    Permission.page_risk: N_("Risk console"),
    Permission.page_audit: N_("Audit pages"),
    Permission.page_platform_admin: N_("Platform admin pages"),
}


def allowed(role: Role, permission: Permission) -> bool:
    return role in GRANTS[permission]
