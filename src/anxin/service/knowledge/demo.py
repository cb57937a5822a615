"""Demo write-ups: 安途's technician finishes a few demo repairs and writes each one up for the case library.

The repairs go through the real lifecycle (dispatched, accepted, on the way,
on site, completed) and the write-ups through the real service, so the demo
library obeys the same rules as one built by hand. Needs the demo accounts,
network and tickets first.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.auth import service as auth
from anxin.auth import tenancy
from anxin.privacy.crypto import KeyRing
from anxin.service.knowledge import service as library
from anxin.service.knowledge.models import Article
from anxin.service.knowledge.schemas import ArticleWrite
from anxin.service.technicians.models import Technician
from anxin.service.tickets import service as tickets
from anxin.service.tickets.lifecycle import Status
from anxin.service.tickets.models import Ticket

# (fault of the ticket it is written from, title, symptom, cause, fix, parts)
DEMO_WRITE_UPS = [
    (
        "fingerprint",
        "指纹识别模块失灵，按压无反应",
        "客户反映指纹识别经常失灵，按压指纹头后门锁无任何提示音，密码开锁正常。",
        "前面板内指纹模块排线松动，接触不良；指纹头表面有油污，识别率进一步下降。",
        "拆下前面板，重新插紧指纹模块排线并用胶带固定；用无水酒精清洁指纹头；重新录入两枚常用指纹，连续测试二十次均一次识别。",
        "无（如排线损坏需更换指纹模块排线）",
    ),
    (
        "battery",
        "更换新电池后仍提示低电量",
        "客户刚换了新电池，门锁依旧每次开门播报“电量低，请更换电池”。",
        "电池仓弹簧触点氧化发黑，接触电阻大，电压压降后触发低电量告警；客户使用的是碳性电池。",
        "用细砂纸打磨电池仓触点并清洁；更换为 8 节 5 号碱性电池；用万用表确认供电电压 6V 以上，低电量提示消失。",
        "5 号碱性电池 ×8",
    ),
    (
        "lock_wont_open",
        "反锁后门外打不开，把手下压无效",
        "门内旋钮反锁后，门外验证成功电机有转动声，但把手下压无法带动锁舌收回。",
        "锁体内离合机构卡滞；门扇下沉导致斜舌与锁扣板摩擦过大，方轴受力偏移。",
        "用机械钥匙应急开门；调整锁扣板位置约 2 毫米；拆锁体清理离合机构并加少量润滑脂；反复测试反锁、解锁各十次正常。",
        "润滑脂少量",
    ),
    (
        "keypad",
        "密码键盘部分按键没反应",
        "触摸密码面板上数字 3、6、9 一列按下没有提示音，其余按键正常，雨天后出现。",
        "面板边缘密封胶老化，雨水渗入，触摸按键电路板受潮短路。",
        "拆下外面板，用热风枪低温烘干电路板；更换老化的面板密封圈并重新打胶；测试全部按键与防窥密码功能正常。建议客户加装门头雨棚。",
        "面板密封圈 ×1",
    ),
    (
        "alarm",
        "门锁持续报警，按任意键无法消除",
        "门锁突然持续鸣叫报警，输入正确密码后仍在响，客户以为门锁坏了。",
        "外面板固定螺丝松动，防撬开关被误触发；门锁处于防撬报警状态，需要管理员验证才能解除。",
        "用管理员指纹验证解除报警；拧紧外面板固定螺丝并加螺纹胶；确认防撬开关复位，敲击门面板不再误报。",
        "螺纹胶少量",
    ),
    (
        "installation",
        "新装门锁把手回弹慢、关门要用力",
        "新安装的智能锁把手下压后回弹缓慢，关门时需要用力推才能锁上。",
        "门扇开孔位置偏差，锁体与门边不垂直；锁扣板开口偏小，斜舌进入时摩擦大。",
        "重新校正锁体安装角度并加垫片；扩大锁扣板开口约 1.5 毫米；调整把手回位弹簧；开关门测试顺畅，自动上锁正常。",
        "锁体垫片 ×2",
    ),
]


def create_demo_library(session: Session, keys: KeyRing) -> int:
    """Finish one waiting 安途 ticket per write-up (same fault) as 郑建国 and write it up; returns articles made."""
    brand = tenancy.get_brand_by_slug(session, slug="antu")
    tech_user = auth.get_user_by_username(session, username="antu-tech")
    dispatch_user = auth.get_user_by_username(session, username="antu-dispatch")
    assert brand is not None and tech_user is not None and dispatch_user is not None, "demo accounts come first"
    technician = session.scalar(select(Technician).where(Technician.user_id == tech_user.id))
    assert technician is not None, "the demo network comes first"
    tech, dispatcher = auth.principal_of(tech_user), auth.principal_of(dispatch_user)
    made = 0
    for fault, title, symptom, cause, fix, parts in DEMO_WRITE_UPS:
        ticket = session.scalar(
            select(Ticket)
            .where(Ticket.brand_id == brand.id, Ticket.fault == fault, Ticket.status == Status.received.value)
            .where(~select(Article.id).where(Article.ticket_id == Ticket.id).exists())
            .order_by(Ticket.id)
            .limit(1)
        )
        if ticket is None:
            continue
        ticket.technician_id = technician.id
        ticket.dispatch_note = "演示：指派给郑建国"
        for step, actor in (
            (Status.dispatched, dispatcher),
            (Status.accepted, tech),
            (Status.en_route, tech),
            (Status.on_site, tech),
            (Status.completed, tech),
        ):
            tickets.move(session, ticket_id=ticket.id, to=step, version=ticket.version, note="", actor=actor)
        body = ArticleWrite(
            ticket_number=ticket.number or "", title=title, symptom=symptom, cause=cause, fix=fix, parts=parts
        )
        library.write_up(session, keys, body=body, actor=tech)
        made += 1
    return made
