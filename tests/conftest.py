"""Shared fixtures: settings per test, an Alembic-migrated template database copied per test, a live
uvicorn server on a free port, and headless Chromium through Playwright.

The kind of a test comes from its file name (STYLE §4): ``test_service.py`` /
``test_models.py`` / ``test_migrations.py`` / ``test_cli.py`` use a real database,
``test_routes.py`` a real HTTP server, ``test_pages.py`` a real browser,
``test_commands.py`` the ``anxin`` command in a subprocess on its own SQLite
files (so it is not repeated on PostgreSQL); anything else is a unit test.

With ``ANXIN_TEST_DATABASE_URL=postgresql+psycopg://…/postgres`` the database
tests run on PostgreSQL: the template is a migrated database, and every test
gets ``CREATE DATABASE … TEMPLATE`` of it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from anxin.app import create_app
from anxin.auth import service as auth
from anxin.auth.guard import SESSION_COOKIE
from anxin.cli.serve import free_port
from anxin.config import Settings
from anxin.demo.accounts import DemoAccounts, create_demo_accounts
from anxin.store.db import make_engine, make_sessionmaker
from anxin.store.migrate import upgrade

KIND_BY_FILE = {
    "test_service.py": "db",
    "test_models.py": "db",
    "test_migrations.py": "db",
    "test_cli.py": "db",
    "test_commands.py": "cli",
    "test_routes.py": "http",
    "test_pages.py": "browser",
}
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        kind = KIND_BY_FILE.get(item.path.name, "unit")
        item.add_marker(getattr(pytest.mark, kind))


# --- databases ---------------------------------------------------------------


class TemplateDatabase:
    """A migrated database made once per test session; ``fresh()`` hands out an independent copy."""

    def __init__(self, workdir: Path):
        self.pg_url = os.environ.get("ANXIN_TEST_DATABASE_URL", "")
        self.workdir = workdir
        self.made: list[str] = []
        if self.pg_url:
            self.name = f"anxin_tpl_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            upgrade(self._pg_db_url(self.name))
        else:
            self.path = workdir / "template.db"
            upgrade(f"sqlite:///{self.path}")
            engine = make_engine(f"sqlite:///{self.path}")
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()

    @property
    def dialect(self) -> str:
        return "postgresql" if self.pg_url else "sqlite"

    def _pg_db_url(self, name: str) -> str:
        return make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)

    def _admin(self, sql: str) -> None:
        engine = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def fresh(self, target_dir: Path) -> str:
        if self.pg_url:
            name = f"anxin_t_{uuid.uuid4().hex[:12]}"
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            self.made.append(name)
            return self._pg_db_url(name)
        target = target_dir / "anxin.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"

    def drop_all(self) -> None:
        if self.pg_url:
            for name in [*self.made, self.name]:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    template = TemplateDatabase(tmp_path_factory.mktemp("template"))
    yield template
    template.drop_all()


@pytest.fixture
def settings(tmp_path: Path, template_db: TemplateDatabase) -> Settings:
    """Settings for one test: its own data dir and its own copy of the migrated database."""
    return Settings(data_dir=tmp_path / "var", database_url=template_db.fresh(tmp_path))


@pytest.fixture
def db(settings: Settings) -> Iterator[Session]:
    """A session on this test's database; the test commits when it wants a server to see its rows."""
    engine = make_engine(settings.resolved_database_url)
    session = make_sessionmaker(engine)()
    yield session
    session.close()
    engine.dispose()


# --- live server -------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    settings: Settings

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kwargs)


@contextmanager
def serve(app: FastAPI, settings: Settings) -> Iterator[LiveServer]:
    """Run ``app`` on a real uvicorn server on a free port, in a thread, until the block ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """The whole app on a real uvicorn server, serving this test's database."""
    with serve(create_app(settings), settings) as server:
        yield server


# --- accounts ----------------------------------------------------------------


@dataclass
class Login:
    """A browser session created through the auth service: the cookie value and its CSRF token."""

    username: str
    cookie: str
    csrf: str

    def client(self, base_url: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, cookies={SESSION_COOKIE: self.cookie}, timeout=10)


@pytest.fixture
def demo(db: Session) -> DemoAccounts:
    accounts = create_demo_accounts(db)
    db.commit()
    return accounts


@pytest.fixture
def principal(db: Session):
    """``principal("antu-admin")``: act as a demo account in service-level tests."""

    def of(username: str) -> auth.Principal:
        user = auth.get_user_by_username(db, username=username)
        assert user is not None, username
        return auth.principal_of(user)

    return of


@pytest.fixture
def login_as(db: Session):
    def make(username: str) -> Login:
        user = auth.get_user_by_username(db, username=username)
        assert user is not None, username
        token, row = auth.start_session(db, user=user, ttl=timedelta(hours=1))
        db.commit()
        return Login(username=username, cookie=token, csrf=row.csrf_token)

    return make


# --- browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (Playwright's own browser download cannot work here).

    Pages use an en-US browser on purpose: the UI must still come up in Chinese first.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh (it installs Debian's chromium and fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def log_in(live_server: LiveServer, demo: DemoAccounts):
    """Log a demo account in through the real login form of ``page``."""

    def go(page: object, username: str, password: str | None = None) -> None:
        page.goto(f"{live_server.url}/login")  # type: ignore[attr-defined]
        page.fill("input[name=username]", username)  # type: ignore[attr-defined]
        page.fill("input[name=password]", password or demo.password)  # type: ignore[attr-defined]
        page.click("form.stack button[type=submit]")  # type: ignore[attr-defined]

    return go


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
