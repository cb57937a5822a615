"""Account and API-key endpoints. Thin: parse → service → schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from anxin.api.deps import SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.auth.guard import Allow, MaybePrincipal, revoke_api_key
from anxin.auth.permissions import Permission
from anxin.auth.schemas import (
    ApiKeyCreate,
    ApiKeyIssued,
    ApiKeyRead,
    BrandCreate,
    BrandRead,
    MeRead,
    UserCreate,
    UserRead,
)
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated

router = APIRouter(prefix="/api", tags=["accounts"], responses=error_schema(Unauthenticated, Forbidden))

SelfReader = Annotated[auth.Principal, Depends(Allow(Permission.self_read))]
UserReader = Annotated[auth.Principal, Depends(Allow(Permission.users_read))]
UserManager = Annotated[auth.Principal, Depends(Allow(Permission.users_manage))]
BrandManager = Annotated[auth.Principal, Depends(Allow(Permission.brands_manage))]
KeyManager = Annotated[auth.Principal, Depends(Allow(Permission.api_keys_manage))]


@router.get("/me", response_model=MeRead)
def read_me(caller: SelfReader):
    return MeRead(
        user_id=caller.user_id,
        username=caller.username,
        role=caller.role,
        brand_id=caller.brand_id,
        via=caller.via,
        scopes=sorted(caller.scopes),
    )


@router.get("/users", response_model=list[UserRead])
def list_users(session: SessionDep, caller: UserReader):
    """Accounts the caller may see: a brand's staff see only their brand."""
    return auth.list_users(session, viewer=caller)


@router.get("/users/{user_id}", response_model=UserRead, responses=error_schema(NotFound))
def read_user(user_id: int, session: SessionDep, caller: UserReader):
    return auth.get_user(session, user_id=user_id, viewer=caller)


@router.post("/users", response_model=UserRead, status_code=201, responses=error_schema(Conflict, InvalidInput))
def create_user(body: UserCreate, session: SessionDep, caller: UserManager):
    return auth.create_user(session, **body.model_dump(), creator=caller)


@router.post("/users/{user_id}/deactivate", response_model=UserRead, responses=error_schema(NotFound, Conflict))
def deactivate_user(user_id: int, session: SessionDep, caller: UserManager):
    return auth.deactivate_user(session, user_id=user_id, actor=caller)


@router.get("/api-keys", response_model=list[ApiKeyRead])
def list_api_keys(session: SessionDep, caller: KeyManager):
    return auth.list_api_keys(session, viewer=caller)


@router.post("/api-keys", response_model=ApiKeyIssued, status_code=201, responses=error_schema(InvalidInput))
def create_api_key(body: ApiKeyCreate, session: SessionDep, caller: KeyManager):
    key, row = auth.create_api_key(session, name=body.name, scopes=body.scopes, creator=caller)
    return ApiKeyIssued.model_validate({**ApiKeyRead.model_validate(row).model_dump(), "key": key})


@router.delete("/api-keys/{key_id}", response_model=ApiKeyRead, responses=error_schema(NotFound))
def revoke_key(request: Request, key_id: int, session: SessionDep, caller: KeyManager):
    return revoke_api_key(request, session, key_id=key_id, actor=caller)


@router.get("/brands", response_model=list[BrandRead], tags=["brands"])
def list_brands(session: SessionDep, _caller: MaybePrincipal):
    """Public: consumers pick the brand of their lock."""
    return tenancy.list_brands(session)


@router.get("/brands/{brand_id}", response_model=BrandRead, tags=["brands"], responses=error_schema(NotFound))
def read_brand(brand_id: int, session: SessionDep, _caller: MaybePrincipal):
    return tenancy.get_brand(session, brand_id=brand_id)


@router.post("/brands", response_model=BrandRead, status_code=201, tags=["brands"], responses=error_schema(Conflict))
def create_brand(body: BrandCreate, session: SessionDep, _caller: BrandManager):
    return tenancy.create_brand(session, slug=body.slug, name_zh=body.name_zh, name_en=body.name_en)
