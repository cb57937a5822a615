"""Find or create a brand's customer by phone number without ever storing the number in clear.

The agent types the caller's number first; its blind index finds the returning
customer in one indexed look-up (有问题必受理 starts with knowing who calls).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from anxin.errors import InvalidInput
from anxin.hotline.phones import normalize_phone
from anxin.privacy.blind_index import BlindIndex
from anxin.privacy.crypto import KeyRing
from anxin.privacy.masking import mask_name, mask_phone
from anxin.service.customers.models import Customer

PHONE = "customers.phone"
NAME = "customers.name"


def customer_phone(raw: str) -> str:
    """The E.164 form of a customer's number; only mobiles and landlines are people's numbers.

    Every refusal names the ``phone`` field, so a form can show it next to the box.
    """
    try:
        phone = normalize_phone(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, message_zh=exc.message_zh, detail={**exc.detail, "field": "phone"}) from None
    if phone.kind not in ("mobile", "landline") or phone.e164 is None:
        raise InvalidInput(
            f"{raw!r} is a {phone.kind} number; give the customer's mobile or landline",
            message_zh="请填写客户本人的手机或座机号码",
            detail={"field": "phone"},
        )
    return phone.e164


def phone_index(keys: KeyRing, e164: str) -> str:
    return BlindIndex(keys.blind_index_key).digest(e164, context=PHONE)


def find_customer(session: Session, keys: KeyRing, *, brand_id: int, phone: str) -> Customer | None:
    index = phone_index(keys, customer_phone(phone))
    return session.scalar(select(Customer).where(Customer.brand_id == brand_id, Customer.phone_index == index))


def find_or_create_customer(session: Session, keys: KeyRing, *, brand_id: int, phone: str, name: str) -> Customer:
    """The brand's customer with this number; a new one (sealed) when the number is new to the brand."""
    e164 = customer_phone(phone)
    existing = find_customer(session, keys, brand_id=brand_id, phone=e164)
    if existing is not None:
        return existing
    name = name.strip()
    if not name:
        raise InvalidInput("give the customer's name", message_zh="请填写客户姓名", detail={"field": "name"})
    customer = Customer(
        brand_id=brand_id,
        phone_sealed=keys.seal(e164, context=PHONE),
        phone_index=phone_index(keys, e164),
        phone_masked=mask_phone(e164),
        name_sealed=keys.seal(name, context=NAME),
    )
    session.add(customer)
    session.flush()
    return customer


def masked_name(keys: KeyRing, customer: Customer) -> str:
    return mask_name(keys.open(customer.name_sealed, context=NAME))
