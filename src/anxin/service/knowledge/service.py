"""Case library use cases: write up a completed repair, edit, delete, read and search. Never commits.

A write-up takes the lock model, the fault and the district from the ticket and
nothing else from it: the customer's name, phone, address and description stay
sealed on the ticket. Text the author types is checked against the customer's
name and phone (opened in memory only, never shown or stored) and against
anything that looks like a mobile number.

Search uses the same pre-tokenised text on both databases: FTS5 with bm25 on
SQLite, a GIN-indexed ``tsvector`` with ``ts_rank`` on PostgreSQL. A query first
asks for articles holding all its words; if none does, for any of them, best first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from anxin.audit import service as audit
from anxin.auth import service as auth
from anxin.auth.permissions import Role
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.regions.gazetteer import default_gazetteer
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.knowledge import search
from anxin.service.knowledge.models import SEARCH_TABLE, SEARCH_VECTOR, Article
from anxin.service.knowledge.schemas import ArticleWrite
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket
from anxin.service.visits import service as visits
from anxin.store.base import utcnow

DONE = (Status.completed.value, Status.closed.value)
TEXT_FIELDS = ("title", "symptom", "cause", "fix", "parts")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_DIGIT_GAP = re.compile(r"(?<=\d)[\s\-‐–—.]+(?=\d)")
MAX_PER_PAGE = 50


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: list[tuple[str, bool]]


@dataclass(frozen=True)
class Results:
    """One page of hits. ``mode`` says whether every word matched ("all") or only some ("any")."""

    query: str
    terms: list[str]
    mode: Literal["all", "any"]
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- writing ---------------------------------------------------------------------------------------------------


def writable_ticket(session: Session, *, number: str, actor: auth.Principal) -> Ticket:
    """The ticket ``actor`` may write up: completed or closed, of their brand, and for a technician their own job."""
    ticket = session.scalar(select(Ticket).where(Ticket.number == number.strip().upper()))
    if ticket is None or actor.brand_id is None or ticket.brand_id != actor.brand_id:
        raise NotFound(
            f"ticket {number} does not exist", message_zh=f"工单 {number} 不存在", detail={"field": "ticket_number"}
        )
    if actor.role is Role.technician:
        me = visits.linked_technician(session, actor)
        if me is None or ticket.technician_id != me.id:
            raise Forbidden(
                f"ticket {ticket.number} was not your job; write up your own repairs",
                message_zh="只能为自己完成的工单撰写案例",
                detail={"field": "ticket_number"},
            )
    if ticket.status not in DONE:
        raise Conflict(
            f"ticket {ticket.number} is {ticket.status}; only a completed repair can be written up",
            message_zh="工单完成后才能撰写案例",
            detail={"field": "ticket_number", "status": ticket.status},
        )
    return ticket


def _refuse_personal_data(keys: KeyRing, customer: Customer | None, body: ArticleWrite) -> None:
    """Refuse text naming the customer or carrying a phone number; the library is read by the whole brand."""
    name = keys.open(customer.name_sealed, context=customers.NAME).strip() if customer else ""
    phone = keys.open(customer.phone_sealed, context=customers.PHONE) if customer else ""
    national = phone.removeprefix("+86")
    for name_of_field in TEXT_FIELDS:
        value = getattr(body, name_of_field)
        digits = _DIGIT_GAP.sub("", value)
        if (len(name) >= 2 and name in value) or (national and national in digits) or _MOBILE.search(digits):
            raise InvalidInput(
                f"{name_of_field} contains the customer's name or a phone number; describe the repair only",
                message_zh="内容含有客户姓名或电话号码，请只描述故障和维修",
                detail={"field": name_of_field},
            )


def _index(session: Session, article: Article) -> None:
    """Set the article's search words; on SQLite also replace its row in the FTS5 table."""
    article.search_title = search.index_text(article.title)
    article.search_body = search.index_text(
        article.lock_model, article.symptom, article.cause, article.fix, article.parts
    )
    session.flush()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": article.id})
        session.execute(
            text(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
            {"id": article.id, "title": article.search_title, "body": article.search_body},
        )


def write_up(session: Session, keys: KeyRing, *, body: ArticleWrite, actor: auth.Principal) -> Article:
    """Create the article for a completed repair (one per ticket), searchable at once."""
    ticket = writable_ticket(session, number=body.ticket_number, actor=actor)
    if session.scalar(select(Article.id).where(Article.ticket_id == ticket.id)) is not None:
        raise Conflict(
            f"ticket {ticket.number} is written up already; edit that article",
            message_zh="该工单已有案例，请编辑已有案例",
            detail={"field": "ticket_number"},
        )
    _refuse_personal_data(keys, session.get(Customer, ticket.customer_id), body)
    now = utcnow()
    article = Article(
        brand_id=ticket.brand_id,
        ticket_id=ticket.id,
        ticket_number=ticket.number or "",
        lock_model=ticket.lock_model,
        fault=ticket.fault,
        region=default_gazetteer().full_name(ticket.region_code)[:64],
        author_id=actor.user_id,
        author_label=actor.username,
        created_at=now,
        updated_at=now,
        **{f: getattr(body, f).strip() for f in TEXT_FIELDS},
    )
    session.add(article)
    _index(session, article)
    audit.record(
        session,
        actor_id=actor.user_id,
        action="library.write_up",
        subject=f"library_article:{article.id}",
        detail={"ticket": article.ticket_number},
    )
    return article


def _editable(session: Session, article_id: int, actor: auth.Principal) -> Article:
    article = get_article(session, article_id=article_id, viewer=actor)
    if not can_edit(article, actor):
        raise Forbidden(
            "only the author or the brand admin may change an article", message_zh="只有作者或品牌管理员可以修改案例"
        )
    return article


def can_edit(article: Article, viewer: auth.Principal) -> bool:
    return viewer.can_see_brand(article.brand_id) and (
        article.author_id == viewer.user_id or viewer.role is Role.brand_admin
    )


def edit(session: Session, keys: KeyRing, *, article_id: int, body: ArticleWrite, actor: auth.Principal) -> Article:
    """Change the text of an article (author or brand admin); the linked ticket stays the same."""
    article = _editable(session, article_id, actor)
    if body.ticket_number.strip().upper() != article.ticket_number:
        raise InvalidInput(
            "an article stays linked to its ticket",
            message_zh="案例关联的工单不能更改",
            detail={"field": "ticket_number"},
        )
    ticket = session.get(Ticket, article.ticket_id)
    _refuse_personal_data(keys, session.get(Customer, ticket.customer_id) if ticket else None, body)
    for name in TEXT_FIELDS:
        setattr(article, name, getattr(body, name).strip())
    article.updated_at = utcnow()
    _index(session, article)
    audit.record(session, actor_id=actor.user_id, action="library.edit", subject=f"library_article:{article.id}")
    return article


def delete(session: Session, *, article_id: int, actor: auth.Principal) -> None:
    """Remove an article and its search entry (author or brand admin)."""
    article = _editable(session, article_id, actor)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE rowid = :id"), {"id": article.id})
    audit.record(
        session,
        actor_id=actor.user_id,
        action="library.delete",
        subject=f"library_article:{article.id}",
        detail={"ticket": article.ticket_number, "title": article.title},
    )
    session.delete(article)
    session.flush()


# --- reading ---------------------------------------------------------------------------------------------------


def get_article(session: Session, *, article_id: int, viewer: auth.Principal) -> Article:
    article = session.get(Article, article_id)
    if article is None or not viewer.can_see_brand(article.brand_id):
        raise NotFound(f"article {article_id} does not exist", message_zh=f"案例 {article_id} 不存在")
    return article


def recent(session: Session, *, viewer: auth.Principal, limit: int = 10) -> list[Article]:
    query = select(Article).order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    if viewer.brand_id is not None:
        query = query.where(Article.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def models_in_library(session: Session, *, viewer: auth.Principal) -> list[str]:
    """The lock models that have articles, for the search filter."""
    query = select(Article.lock_model).distinct().order_by(Article.lock_model)
    if viewer.brand_id is not None:
        query = query.where(Article.brand_id == viewer.brand_id)
    return list(session.scalars(query))


def open_write_ups(session: Session, *, actor: auth.Principal, limit: int = 20) -> list[Ticket]:
    """Recently completed repairs ``actor`` may write up and nobody has yet (a technician: own jobs only)."""
    if actor.brand_id is None:
        return []
    query = (
        select(Ticket)
        .where(
            Ticket.brand_id == actor.brand_id,
            Ticket.status.in_(DONE),
            ~select(Article.id).where(Article.ticket_id == Ticket.id).exists(),
        )
        .order_by(Ticket.completed_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    if actor.role is Role.technician:
        me = visits.linked_technician(session, actor)
        if me is None:
            return []
        query = query.where(Ticket.technician_id == me.id)
    return list(session.scalars(query))


# --- search ----------------------------------------------------------------------------------------------------


def _filters(viewer: auth.Principal, lock_model: str | None, fault: str | None) -> tuple[str, dict[str, object]]:
    sql, params = "", {}
    if viewer.brand_id is not None:
        sql += " AND a.brand_id = :brand_id"
        params["brand_id"] = viewer.brand_id
    if lock_model:
        sql += " AND a.lock_model = :lock_model"
        params["lock_model"] = lock_model
    if fault:
        sql += " AND a.fault = :fault"
        params["fault"] = fault
    return sql, params


def _sqlite_page(
    session: Session, terms: list[str], mode: str, where: str, params: dict, limit: int, offset: int
) -> tuple[int, list[tuple[int, float]]]:
    """FTS5 over the space-joined words; bm25 weighs the title four times the body (lower is better)."""
    quoted = [f'"{t}"' for t in terms]  # terms are letters and digits only, so quoting is safe
    params = {**params, "match": (" " if mode == "all" else " OR ").join(quoted)}
    base = f"FROM {SEARCH_TABLE} s JOIN library_articles a ON a.id = s.rowid WHERE {SEARCH_TABLE} MATCH :match{where}"
    return _ranked(session, base, f"-bm25({SEARCH_TABLE}, 4.0, 1.0)", params, limit, offset)


def _postgres_page(
    session: Session, terms: list[str], mode: str, where: str, params: dict, limit: int, offset: int
) -> tuple[int, list[tuple[int, float]]]:
    """The GIN-indexed tsvector; 'all' is plainto_tsquery of the words, 'any' ORs one tsquery per word."""
    if mode == "all":
        query = "plainto_tsquery('simple'::regconfig, :words)"
        params = {**params, "words": " ".join(terms)}
    else:
        query = " || ".join(f"plainto_tsquery('simple'::regconfig, :t{i})" for i in range(len(terms)))
        params = {**params, **{f"t{i}": t for i, t in enumerate(terms)}}
    base = f"FROM library_articles a, (SELECT {query} AS query) AS q WHERE {SEARCH_VECTOR} @@ q.query{where}"
    return _ranked(session, base, f"ts_rank({SEARCH_VECTOR}, q.query)", params, limit, offset)


def _ranked(
    session: Session, base: str, score: str, params: dict, limit: int, offset: int
) -> tuple[int, list[tuple[int, float]]]:
    """How many rows ``base`` matches, and one page of (article id, score), best first."""
    total = session.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
    rows = session.execute(
        text(f"SELECT a.id, {score} AS score {base} ORDER BY score DESC, a.id DESC LIMIT :limit OFFSET :offset"),
        {**params, "limit": limit, "offset": offset},
    )
    return total, [(row[0], float(row[1])) for row in rows]


def search_articles(
    session: Session,
    *,
    query: str,
    viewer: auth.Principal,
    lock_model: str | None = None,
    fault: str | None = None,
    page: int = 1,
    per_page: int = 10,
) -> Results:
    """Articles the viewer may read matching ``query``, best first; all words if any article has them all."""
    terms = search.query_terms(query)
    if not terms:
        raise InvalidInput(
            "type a few words about the fault, for example 指纹识别失灵",
            message_zh="请输入故障关键词，例如“指纹识别失灵”",
            detail={"field": "q"},
        )
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(
            f"page starts at 1 and per_page is 1 to {MAX_PER_PAGE}",
            message_zh=f"页码从 1 开始，每页 1 到 {MAX_PER_PAGE} 条",
            detail={"field": "page"},
        )
    where, params = _filters(viewer, lock_model, fault)
    run = _sqlite_page if session.get_bind().dialect.name == "sqlite" else _postgres_page
    offset = (page - 1) * per_page
    mode: Literal["all", "any"] = "all"
    total, found = run(session, terms, "all", where, params, per_page, offset)
    if total == 0 and len(terms) > 1:
        mode = "any"
        total, found = run(session, terms, "any", where, params, per_page, offset)
    articles = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_([i for i, _s in found])))}
    hits = [
        Hit(
            article=articles[article_id],
            score=score,
            snippet=search.snippet(
                [articles[article_id].symptom, articles[article_id].cause, articles[article_id].fix], terms
            ),
        )
        for article_id, score in found
    ]
    return Results(query=query, terms=terms, mode=mode, total=total, page=page, per_page=per_page, hits=hits)
