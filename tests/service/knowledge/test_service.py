"""The case library on a real database: write-up rules, no personal data, Chinese search, ranking, tenancy."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from tests.service.knowledge.helpers import body, finish, received, technician_named

from anxin.audit.models import AuditEntry
from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets, demo_customers
from anxin.errors import Conflict, Forbidden, InvalidInput, NotFound
from anxin.privacy.crypto import KeyRing
from anxin.service.customers import service as customers
from anxin.service.customers.models import Customer
from anxin.service.knowledge import service as library
from anxin.service.knowledge.demo import DEMO_WRITE_UPS, create_demo_library
from anxin.service.knowledge.models import Article
from anxin.service.tickets.lifecycle import Status

KEYS = KeyRing.generate()


@pytest.fixture
def done(db, demo, principal):
    """Four repairs 郑建国 (antu-tech) finished, one finished by 王磊, one still on the way."""
    create_demo_network(db)
    create_demo_tickets(db, KEYS, count=24)
    me, other = technician_named(db, "郑建国"), technician_named(db, "王磊")
    waiting = received(db, principal("antu-tech").brand_id)
    dispatcher = principal("antu-dispatch")
    mine = [finish(db, t, me, dispatcher) for t in waiting[:4]]
    theirs = finish(db, waiting[4], other, dispatcher)
    open_one = finish(db, waiting[5], me, dispatcher, upto=Status.en_route)
    db.flush()
    return mine, theirs, open_one


def test_write_up_takes_model_fault_and_district_from_the_ticket(db, done, principal):
    ticket = done[0][0]
    article = library.write_up(db, KEYS, body=body(ticket), actor=principal("antu-tech"))
    assert (article.lock_model, article.fault, article.ticket_number) == (
        ticket.lock_model,
        ticket.fault,
        ticket.number,
    )
    assert article.region.endswith("区") and article.author_label == "antu-tech"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "library.write_up"))
    assert entry is not None and entry.subject == f"library_article:{article.id}"
    with pytest.raises(Conflict):  # one write-up per repair
        library.write_up(db, KEYS, body=body(ticket, title="再写一遍"), actor=principal("antu-admin"))


def test_refuses_tickets_not_completed_or_not_own(db, done, principal):
    mine, theirs, open_one = done
    tech = principal("antu-tech")
    with pytest.raises(Conflict):
        library.write_up(db, KEYS, body=body(open_one), actor=tech)
    with pytest.raises(Forbidden):
        library.write_up(db, KEYS, body=body(theirs), actor=tech)
    with pytest.raises(NotFound):  # another brand's staff cannot even see that the ticket exists
        library.write_up(db, KEYS, body=body(mine[0]), actor=principal("jinghong-admin"))
    assert library.write_up(db, KEYS, body=body(theirs), actor=principal("antu-admin")).ticket_id == theirs.id
    assert [t.id for t in library.open_write_ups(db, actor=tech)] == sorted((t.id for t in mine), reverse=True)


def test_never_stores_personal_data(db, done, principal):
    tech = principal("antu-tech")
    ticket = done[0][0]
    people = demo_customers(24)
    article = library.write_up(db, KEYS, body=body(ticket), actor=tech)
    db.flush()
    stored = " ".join(str(v) for v in db.execute(select(Article.__table__).where(Article.id == article.id)).one())
    if db.get_bind().dialect.name == "sqlite":
        stored += " ".join(str(v) for v in db.execute(text("SELECT title, body FROM library_search")).one())
    for person in people:
        assert person.phone not in stored and person.name not in stored
        assert person.address.split("|")[0] not in stored
    second = done[0][1]
    sealed = db.get(Customer, second.customer_id).phone_sealed
    customer = next(p for p in people if p.phone in KEYS.open(sealed, context=customers.PHONE))
    for leaky in ({"symptom": f"{customer.name}家的锁指纹失灵"}, {"fix": "回访电话 139 1234 5678，已修好"}):
        with pytest.raises(InvalidInput) as refused:
            library.write_up(db, KEYS, body=body(second, **leaky), actor=tech)
        assert refused.value.detail["field"] in leaky


def _three_articles(db, done, principal):
    tech = principal("antu-tech")
    mine = done[0]
    best = library.write_up(db, KEYS, body=body(mine[0]), actor=tech)
    weaker = library.write_up(
        db,
        KEYS,
        body=body(
            mine[1],
            title="门锁电池耗尽无法开门",
            symptom="电池没电，门锁无法开启，指纹识别也失灵",
            cause="电池耗尽",
            fix="用应急电源开门后更换全部电池 (then reset the Fingerprint sensor)",
        ),
        actor=tech,
    )
    unrelated = library.write_up(
        db,
        KEYS,
        body=body(mine[2], title="门锁持续报警", symptom="报警声不停", cause="防撬开关触发", fix="拧紧面板螺丝"),
        actor=tech,
    )
    return best, weaker, unrelated


def test_chinese_phrase_worded_differently_finds_and_ranks(db, done, principal):
    best, weaker, unrelated = _three_articles(db, done, principal)
    agent = principal("antu-agent")
    found = library.search_articles(db, query="指纹识别失灵", viewer=agent)  # the article says 指纹识别模块失灵
    assert found.mode == "all" and [h.article.id for h in found.hits] == [best.id, weaker.id]
    assert found.hits[0].score > found.hits[1].score
    assert any(hit for _piece, hit in found.hits[0].snippet)
    loose = library.search_articles(db, query="客户说指纹识别老是失灵怎么办", viewer=agent)  # words no article has
    assert (
        loose.mode == "any"
        and loose.hits[0].article.id == best.id
        and unrelated.id not in {h.article.id for h in loose.hits}
    )
    english = library.search_articles(db, query="fingerprint SENSOR", viewer=agent)
    assert [h.article.id for h in english.hits] == [weaker.id]
    models = library.search_articles(db, query=f'{best.lock_model} OR "', viewer=agent)  # FTS syntax is just words
    assert {h.article.id for h in models.hits} == {
        a.id for a in (best, weaker, unrelated) if a.lock_model == best.lock_model
    }
    only = library.search_articles(
        db, query="指纹", viewer=agent, fault=unrelated.fault, lock_model=unrelated.lock_model
    )
    assert {h.article.id for h in only.hits} <= {a.id for a in (best, weaker) if a.fault == unrelated.fault}
    paged = library.search_articles(db, query="门锁", viewer=agent, per_page=1, page=2)
    assert paged.total == 2 and len(paged.hits) == 1 and paged.pages == 2  # 门锁 is in two articles
    with pytest.raises(InvalidInput):
        library.search_articles(db, query=" ，。的 ", viewer=agent)


def test_brand_tenancy(db, done, principal):
    best, _weaker, _unrelated = _three_articles(db, done, principal)
    outsider = principal("jinghong-agent")
    assert library.search_articles(db, query="指纹识别", viewer=outsider).total == 0
    with pytest.raises(NotFound):
        library.get_article(db, article_id=best.id, viewer=outsider)
    assert library.search_articles(db, query="指纹识别", viewer=principal("admin")).total == 2  # platform staff
    with pytest.raises(Forbidden):  # same brand, but neither author nor brand admin
        library.delete(db, article_id=best.id, actor=principal("antu-agent"))


def test_edit_and_delete_keep_the_index_in_step(db, done, principal):
    best, _weaker, _unrelated = _three_articles(db, done, principal)
    tech, agent = principal("antu-tech"), principal("antu-agent")

    def found(query: str) -> set[int]:
        return {h.article.id for h in library.search_articles(db, query=query, viewer=agent).hits}

    assert best.id in found("按压无反应") and best.id not in found("猫眼黑屏")
    library.edit(
        db, KEYS, article_id=best.id, body=body(done[0][0], title="猫眼摄像头黑屏", symptom="猫眼黑屏"), actor=tech
    )
    assert best.id in found("猫眼黑屏") and best.id not in found("按压无反应")
    library.delete(db, article_id=best.id, actor=principal("antu-admin"))
    assert library.search_articles(db, query="猫眼", viewer=agent).total == 0
    if db.get_bind().dialect.name == "sqlite":
        assert db.execute(text("SELECT count(*) FROM library_search")).scalar_one() == 2


def test_demo_library(db, demo, principal):
    create_demo_network(db)
    create_demo_tickets(db, KEYS, count=40)
    made = create_demo_library(db, KEYS)
    assert 4 <= made <= len(DEMO_WRITE_UPS)
    top = library.search_articles(db, query="指纹识别失灵", viewer=principal("antu-agent")).hits[0]
    assert top.article.fault == "fingerprint"
