"""After the demo data is loaded, the raw database holds no customer phone number or address in clear.

SQLite: the database file and its WAL, byte for byte. PostgreSQL: a pg_dump of the test database.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from anxin.demo.network import create_demo_network
from anxin.demo.tickets import create_demo_tickets, demo_customers
from anxin.privacy.crypto import KeyRing


def _raw_bytes(settings) -> bytes:
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    pg_dump = shutil.which("pg_dump") or next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))), None)
    if pg_dump is None:
        pytest.fail("pg_dump is needed to scan the PostgreSQL database; install postgresql-client")
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run([str(pg_dump), "--data-only", dsn], capture_output=True, check=True).stdout


def test_no_plaintext_phone_or_address_in_the_database(settings, db, demo):
    keys = KeyRing.generate()
    create_demo_network(db)
    count = create_demo_tickets(db, keys)
    db.commit()
    raw = _raw_bytes(settings)
    people = demo_customers(count)
    assert len(raw) > 10_000
    leaks = []
    for person in people:
        street = person.address.split("|")[0]
        for value in (person.phone, person.phone[3:], street, f"+86{person.phone}"):
            if value.encode() in raw:
                leaks.append(value)
    assert leaks == [], f"found in clear: {leaks[:5]}"
    # and the check would see them if they were there: the masked forms are stored on purpose
    assert f"{people[0].phone[:3]}****{people[0].phone[-4:]}".encode() in raw
