"""Public region endpoints: resolve informal names, browse the tree, county-seat coordinates."""

from __future__ import annotations

from fastapi import APIRouter, Query

from anxin.api.errors import error_schema
from anxin.auth.guard import MaybePrincipal
from anxin.errors import InvalidInput, NotFound
from anxin.regions import service as regions
from anxin.regions.schemas import DivisionDetail, DivisionRead, ResolutionRead, ResolveRequest

router = APIRouter(prefix="/api/regions", tags=["regions"])


@router.get("/resolve", response_model=list[ResolutionRead], responses=error_schema(InvalidInput))
def resolve(
    _caller: MaybePrincipal,
    q: str = Query(..., min_length=1, description="One place name or a list (、 , ， ; line breaks)."),
):
    """Official code, full path, level, confidence and flags (stale_name, ambiguous, …) for each item."""
    return [r.to_dict() for r in regions.resolve_text(q)]


@router.post("/resolve", response_model=list[ResolutionRead], responses=error_schema(InvalidInput))
def resolve_long_list(body: ResolveRequest, _caller: MaybePrincipal):
    """The same as GET, for lists too long for a URL (up to 20,000 characters)."""
    return [r.to_dict() for r in regions.resolve_text(body.text)]


@router.get("", response_model=list[DivisionRead])
def provinces(_caller: MaybePrincipal):
    return regions.children(None)


@router.get("/{code}", response_model=DivisionDetail, responses=error_schema(NotFound))
def read_division(code: str, _caller: MaybePrincipal):
    """A unit with its path and county-seat coordinates (lng, lat; GCJ-02)."""
    return regions.detail(code)


@router.get("/{code}/children", response_model=list[DivisionRead], responses=error_schema(InvalidInput))
def read_children(code: str, _caller: MaybePrincipal):
    return regions.children(code)
