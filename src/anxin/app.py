"""``create_app(settings)``: mounts every domain's routes and pages; the lifespan owns the database engine.

No globals are read at import: tests build the app with their own Settings.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from anxin import __version__
from anxin.api.errors import install_error_handlers
from anxin.api.middleware import (
    BodySizeLimitMiddleware,
    CsrfCookieMiddleware,
    PayloadTooLarge,
    RequestIdMiddleware,
    payload_too_large_handler,
)
from anxin.api.ratelimit import RateLimits
from anxin.auth import pages as auth_pages
from anxin.auth import routes as auth_routes
from anxin.auth.guard import ApiKeyCache, MaybePrincipal
from anxin.config import Settings
from anxin.hotline import pages as hotline_pages
from anxin.hotline import routes as hotline_routes
from anxin.integrity.server import (
    case_pages,
    case_routes,
    credit_pages,
    credit_routes,
    event_routes,
    finding_pages,
    finding_routes,
    report_pages,
    report_routes,
    rule_routes,
    scorer_routes,
)
from anxin.integrity.server import pages as risk_pages
from anxin.integrity.server.fast_ingest import FastIngest, frozen_startup_heap
from anxin.integrity.server.live import start_runtime
from anxin.navigation import nav_for
from anxin.portal import pages as portal_pages
from anxin.privacy.keyfile import load_key_ring
from anxin.regions import pages as region_pages
from anxin.regions import routes as region_routes
from anxin.service.analytics import pages as analytics_pages
from anxin.service.complaints import pages as complaint_pages
from anxin.service.complaints import routes as complaint_routes
from anxin.service.dispatch import pages as dispatch_pages
from anxin.service.dispatch import routes as dispatch_routes
from anxin.service.escalations import pages as escalation_pages
from anxin.service.knowledge import pages as library_pages
from anxin.service.knowledge import routes as library_routes
from anxin.service.members import pages as member_pages
from anxin.service.members import routes as member_routes
from anxin.service.sla import pages as sla_pages
from anxin.service.stations import pages as station_pages
from anxin.service.stations import routes as station_routes
from anxin.service.technicians import pages as technician_pages
from anxin.service.technicians import routes as technician_routes
from anxin.service.tickets import pages as ticket_pages
from anxin.service.tickets import routes as ticket_routes
from anxin.service.visits import pages as visit_pages
from anxin.store.db import make_engine, make_sessionmaker
from anxin.web.templating import render_error_page
from anxin.workspaces import pages as workspace_pages

STATIC_DIR = Path(__file__).parent / "web" / "static"

health = APIRouter(prefix="/api", tags=["platform"])
TELEMETRY_OFF = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


@health.get("/health")
async def read_health(_caller: MaybePrincipal) -> dict[str, str]:
    """Liveness for load balancers and the set-up scripts."""
    return {"status": "ok", "version": __version__}


class AnxinApp(FastAPI):
    """FastAPI with the event-ingestion fast path in front of its whole middleware stack.

    ``fast_ingest = False`` (before the first request) leaves ingestion to the
    FastAPI routes: the tests compare both ways.
    """

    fast_ingest = True

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if not self.fast_ingest:
            return stack
        return FastIngest(stack, max_body_bytes=self.state.settings.max_body_bytes)


def app_from_environment() -> AnxinApp:
    """The app from ``ANXIN_*`` alone: what each process of ``anxin serve --workers N`` builds."""
    return create_app(Settings())


def create_app(settings: Settings) -> AnxinApp:
    logging.basicConfig(level=settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url)
        app.state.key_ring = load_key_ring(
            key_file=settings.resolved_key_file, keys_json=settings.keys.get_secret_value()
        )
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.decisions = start_runtime(settings, app.state.sessionmaker)
        try:
            with frozen_startup_heap():
                yield
        finally:
            app.state.decisions.close()
            engine.dispose()

    app = AnxinApp(
        title="anxin 安心",
        version=__version__,
        description="Brand after-sales service and an integrity engine against 刷单炒信.",
        lifespan=lifespan,
        # FastAPI's native OpenTelemetry hooks cost ~10 % per request even with no provider configured;
        # they are on only when the operator asks for them (ANXIN_OPENTELEMETRY=true).
        telemetry=None if settings.opentelemetry else TELEMETRY_OFF,
    )
    app.state.settings = settings
    app.state.navigation = nav_for
    app.state.render_error_page = render_error_page
    app.state.rate_limits = RateLimits()
    app.state.api_key_cache = ApiKeyCache()
    app.state.brand_slugs = {}  # brand id -> slug, for tenant checks on the ingestion hot path
    install_error_handlers(app)
    app.add_exception_handler(PayloadTooLarge, payload_too_large_handler)
    app.add_middleware(CsrfCookieMiddleware, secure=settings.secure_cookies)
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    app.add_middleware(RequestIdMiddleware)
    for router in (  # routes are matched in this order: the event-ingestion hot path first
        event_routes.router,
        health,
        auth_routes.router,
        region_routes.router,
        hotline_routes.router,
        station_routes.router,
        technician_routes.router,
        ticket_routes.router,
        dispatch_routes.router,
        complaint_routes.router,
        rule_routes.router,
        scorer_routes.router,
        finding_routes.router,
        case_routes.router,
        credit_routes.router,
        report_routes.router,
        library_routes.router,
        member_routes.router,
        portal_pages.router,
        auth_pages.router,
        workspace_pages.router,
        region_pages.router,
        hotline_pages.router,
        station_pages.router,
        technician_pages.router,
        ticket_pages.router,
        dispatch_pages.router,
        visit_pages.router,
        complaint_pages.router,
        analytics_pages.router,
        risk_pages.router,
        finding_pages.router,
        case_pages.router,
        credit_pages.router,
        report_pages.router,
        library_pages.router,
        member_pages.router,
        sla_pages.router,
        escalation_pages.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app
