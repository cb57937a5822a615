"""Enumerate the app's routes with the permission each one declares, for the generated permission tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute

from anxin.auth.guard import Allow


@dataclass(frozen=True)
class RouteRule:
    method: str
    path: str
    guards: tuple[Allow, ...]


def _api_routes(routes: list) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # FastAPI ≥ 0.16x wraps included routers
            yield from _api_routes(route.original_router.routes)


def _guards(dependant) -> Iterator[Allow]:
    for dep in dependant.dependencies:
        if isinstance(dep.call, Allow):
            yield dep.call
        yield from _guards(dep)


def app_routes(app: FastAPI) -> list[RouteRule]:
    """Every (method, path) of our own routes, with the Allow guards found in its dependency tree."""
    docs = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    rules = []
    for route in _api_routes(app.router.routes):
        if route.path in docs:
            continue
        for method in sorted(route.methods - {"HEAD"}):
            rules.append(RouteRule(method, route.path, tuple(_guards(route.dependant))))
    return rules
