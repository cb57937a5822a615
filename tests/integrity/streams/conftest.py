"""A real ``redis-server`` on a free loopback port for the stream tests (scripts/test.sh installs it)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from anxin.cli.serve import free_port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Durable as in production: append-only file, fsync at every write."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        raise RuntimeError("redis-server is not installed: run the tests with scripts/test.sh, which installs it")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    durable = ["--save", "", "--appendonly", "yes", "--appendfsync", "always"]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir), *durable],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def namespace() -> str:
    """Each test's own key prefix in the shared server."""
    return f"t{uuid.uuid4().hex[:12]}"
