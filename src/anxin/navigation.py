"""Top navigation per role: the start page of each role first. The app hands it to the web shell."""

from __future__ import annotations

from dataclasses import dataclass

from anxin.auth.permissions import START_PAGES, Role
from anxin.text import N_


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # an English msgid, translated in the template


_WORKSPACE_LABELS = {
    Role.consumer: N_("My service"),
    Role.agent: N_("Intake desk"),
    Role.dispatcher: N_("Dispatch board"),
    Role.technician: N_("My jobs"),
    Role.brand_admin: N_("Brand console"),
    Role.risk_analyst: N_("Risk console"),
    Role.auditor: N_("Audit"),
    Role.platform_admin: N_("Platform admin"),
}

_TICKETS = [NavItem("/tickets/new", N_("Take a request")), NavItem("/tickets", N_("Tickets"))]

_LIBRARY = NavItem("/library", N_("Case library"))

_EXTRA: dict[Role, list[NavItem]] = {
    Role.agent: [*_TICKETS, _LIBRARY],
    Role.dispatcher: [NavItem("/tickets", N_("Tickets")), NavItem("/escalations", N_("Escalations")), _LIBRARY],
    Role.technician: [_LIBRARY],
    Role.brand_admin: [
        *_TICKETS,
        _LIBRARY,
        NavItem("/brand/network", N_("Service network")),
        NavItem("/brand/penalties", N_("Penalties and appeals")),
        NavItem("/brand/complaints", N_("Complaints")),
        NavItem("/brand/members", N_("Membership")),
        NavItem("/brand/sla", N_("Service promises")),
        NavItem("/escalations", N_("Escalations")),
        NavItem("/analytics", N_("Analytics")),
        NavItem("/hotline/registry", N_("Hotline registry")),
        NavItem("/accounts", N_("Accounts and API keys")),
    ],
    Role.platform_admin: [
        _LIBRARY,
        NavItem("/hotline/scans", N_("Scanned pages")),
        NavItem("/hotline/registry", N_("Hotline registry")),
        NavItem("/accounts", N_("Accounts and API keys")),
    ],
    Role.risk_analyst: [
        NavItem("/risk/rules", N_("Rules")),
        NavItem("/risk/lists", N_("Lists")),
        NavItem("/risk/findings", N_("Findings")),
        NavItem("/risk/cases", N_("Cases")),
        NavItem("/risk/penalties", N_("Penalties")),
        NavItem("/risk/reports", N_("Reports")),
        NavItem("/hotline/scans", N_("Scanned pages")),
        NavItem("/hotline/registry", N_("Hotline registry")),
    ],
    Role.auditor: [NavItem("/hotline/registry", N_("Hotline registry"))],
}


def nav_for(principal: object | None) -> list[NavItem]:
    """The links for whoever is calling (a Principal or None)."""
    role = getattr(principal, "role", None)
    items = [
        NavItem("/", N_("Home")),
        NavItem("/repair", N_("Book a repair")),
        NavItem("/track", N_("Track a repair")),
        NavItem("/hotline", N_("Check a number")),
        NavItem("/stations", N_("Service stations")),
        NavItem("/report", N_("Report fraud")),
    ]
    if role is not None:
        items.append(NavItem(START_PAGES[role], _WORKSPACE_LABELS[role]))
        items.extend(_EXTRA.get(role, []))
    return items
