"""The region page: a cascading picker (htmx) and a box that resolves pasted place names."""

from __future__ import annotations

from fastapi import APIRouter, Request

from anxin.auth.guard import MaybePrincipal
from anxin.errors import AnxinError
from anxin.regions import service as regions
from anxin.text import N_
from anxin.web.templating import render

FLAG_LABELS = {
    "stale_name": N_("former name"),
    "split_successor": N_("split: main successor"),
    "no_successor": N_("abolished"),
    "short_name": N_("short name"),
    "partial": N_("partly matched"),
    "ambiguous": N_("ambiguous"),
    "unresolved": N_("not found"),
}

router = APIRouter(include_in_schema=False)


@router.get("/regions")
def regions_page(request: Request, _caller: MaybePrincipal, code: str | None = None):
    levels, selected = regions.picker_levels(code)
    detail = regions.detail(selected) if selected else None
    return render(request, "regions.html", {"levels": levels, "selected": selected, "detail": detail})


@router.get("/regions/picker")
def picker(request: Request, _caller: MaybePrincipal, code: str | None = None):
    """The picker fragment after a select changed: one select per level down to ``code``."""
    levels, selected = regions.picker_levels(code or None)
    detail = regions.detail(selected) if selected else None
    return render(request, "region_picker_levels.html", {"levels": levels, "selected": selected, "detail": detail})


@router.get("/regions/resolve")
def resolve_fragment(request: Request, _caller: MaybePrincipal, q: str = ""):
    try:
        results = regions.resolve_text(q) if q.strip() else []
        error = None
    except AnxinError as exc:
        results, error = [], exc
    return render(request, "region_results.html", {"results": results, "error": error, "flag_labels": FLAG_LABELS})
