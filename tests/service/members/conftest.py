"""The 安途 brand admin, with the demo network in place (members' requests land in served districts)."""

from __future__ import annotations

import pytest

from anxin.demo.network import create_demo_network


@pytest.fixture
def admin(db, demo, principal):
    create_demo_network(db)
    db.flush()
    return principal("antu-admin")
