"""Case library endpoints: search, read, write up, edit and delete articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anxin.api.deps import KeyRingDep, SessionDep
from anxin.api.errors import error_schema
from anxin.auth import service as auth
from anxin.auth.guard import Allow
from anxin.auth.permissions import Permission
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.service.knowledge import service as library
from anxin.service.knowledge.schemas import ArticleRead, ArticleWrite, Highlight, SearchHit, SearchPage
from anxin.service.tickets.schemas import Fault

router = APIRouter(prefix="/api", tags=["library"])

Reader = Annotated[auth.Principal, Depends(Allow(Permission.library_read))]
Writer = Annotated[auth.Principal, Depends(Allow(Permission.library_write))]


def to_page(results: library.Results) -> SearchPage:
    return SearchPage(
        query=results.query,
        terms=results.terms,
        mode=results.mode,
        total=results.total,
        page=results.page,
        per_page=results.per_page,
        hits=[
            SearchHit(
                id=h.article.id,
                title=h.article.title,
                lock_model=h.article.lock_model,
                fault=Fault(h.article.fault),
                score=h.score,
                snippet=[Highlight(text=piece, match=hit) for piece, hit in h.snippet],
            )
            for h in results.hits
        ],
    )


@router.get("/library", response_model=SearchPage, responses=error_schema(InvalidInput))
def search_library(
    session: SessionDep,
    caller: Reader,
    q: str = Query("", max_length=200, description="Words in Chinese or English; an empty query is refused"),
    lock_model: str | None = Query(None, max_length=64),
    fault: Fault | None = None,
    page: int = Query(1, ge=1, le=1000),
    per_page: int = Query(10, ge=1, le=library.MAX_PER_PAGE),
):
    """Full-text search of the caller's brand's articles (all brands for platform staff), best match first."""
    results = library.search_articles(
        session,
        query=q,
        viewer=caller,
        lock_model=lock_model or None,
        fault=fault.value if fault else None,
        page=page,
        per_page=per_page,
    )
    return to_page(results)


@router.post(
    "/library",
    response_model=ArticleRead,
    status_code=201,
    responses=error_schema(InvalidInput, NotFound, Forbidden, Conflict),
)
def write_up(body: ArticleWrite, session: SessionDep, keys: KeyRingDep, caller: Writer):
    """Write up a completed repair; a technician only their own jobs. Personal data is refused."""
    return library.write_up(session, keys, body=body, actor=caller)


@router.get("/library/{article_id}", response_model=ArticleRead, responses=error_schema(NotFound))
def read_article(article_id: int, session: SessionDep, caller: Reader):
    return library.get_article(session, article_id=article_id, viewer=caller)


@router.put(
    "/library/{article_id}", response_model=ArticleRead, responses=error_schema(InvalidInput, NotFound, Forbidden)
)
def edit_article(article_id: int, body: ArticleWrite, session: SessionDep, keys: KeyRingDep, caller: Writer):
    return library.edit(session, keys, article_id=article_id, body=body, actor=caller)


@router.delete("/library/{article_id}", status_code=204, responses=error_schema(NotFound, Forbidden))
def delete_article(article_id: int, session: SessionDep, caller: Writer) -> None:
    library.delete(session, article_id=article_id, actor=caller)
