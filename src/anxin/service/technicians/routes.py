"""Technician endpoints, and which technicians cover a district or town (for agents and dispatchers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.regions.codes import service_area_code
from anxin.service.technicians import service as technicians
from anxin.service.technicians.schemas import TechnicianCreate, TechnicianRead

router = APIRouter(prefix="/api", tags=["network"])

NetworkReader = Annotated[auth.Principal, Depends(Allow(Permission.network_read))]
NetworkManager = Annotated[auth.Principal, Depends(Allow(Permission.network_manage))]


@router.get("/coverage/technicians", response_model=list[TechnicianRead], responses=error_schema(InvalidInput))
def covering_technicians(
    session: SessionDep, caller: NetworkReader, region: str = Query(..., description="District or town code.")
):
    return technicians.covering_technicians(session, region_code=service_area_code(region), viewer=caller)


@router.get("/technicians", response_model=list[TechnicianRead])
def list_technicians(session: SessionDep, caller: NetworkReader):
    return technicians.list_technicians(session, viewer=caller)


@router.post(
    "/technicians",
    response_model=TechnicianRead,
    status_code=201,
    responses=error_schema(InvalidInput, Forbidden, Conflict, NotFound),
)
def create_technician(body: TechnicianCreate, session: SessionDep, caller: NetworkManager):
    return technicians.create_technician(session, actor=caller, **body.model_dump())


@router.get("/technicians/{technician_id}", response_model=TechnicianRead, responses=error_schema(NotFound))
def read_technician(technician_id: int, session: SessionDep, caller: NetworkReader):
    return technicians.get_technician(session, technician_id=technician_id, viewer=caller)
