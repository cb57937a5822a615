"""One ``Settings`` object for the whole product, read from ``ANXIN_*`` environment variables.

Nothing here runs at import time: the app factory and the CLI build a
``Settings`` and pass it down explicitly; pure code receives plain parameters.
The defaults are the embedded mode: a SQLite file under ``./var``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Run-time configuration. Every field can be set as ``ANXIN_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(env_prefix="ANXIN_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where the SQLite file, uploads and journals live.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means sqlite:///<data_dir>/anxin.db (WAL mode).")
    redis_url: str = Field("", description="Redis for scaled-out decision workers; empty = in-process only.")
    decisions: Literal["local", "workers"] = Field(
        "local",
        description="local: this process decides and journals events; workers: events go to `anxin worker` processes"
        " over ANXIN_REDIS_URL and decisions are read from the database (then several server processes may run).",
    )
    stream_partitions: int = Field(
        16, ge=1, le=4096, description="Partitions of the workers' event log; fixed when the log is created."
    )
    stream_namespace: str = Field(
        "default", pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Key prefix of one deployment's log in Redis."
    )
    key_file: Path | None = Field(
        None, description="Key ring for field encryption; default <data_dir>/keys.json, created on first use."
    )
    keys: SecretStr = Field(
        SecretStr(""), description="The key ring's JSON itself (containers, secret managers); wins over key_file."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    default_locale: Literal["zh", "en"] = "zh"
    session_ttl_hours: int = Field(12, ge=1, le=24 * 30)
    secure_cookies: bool = Field(False, description="Set Secure on cookies; turn on behind HTTPS.")
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Requests with a larger body are refused with 413 before parsing."
    )
    max_upload_bytes: int = Field(
        10_000_000, ge=1024, description="Limit for multipart uploads (photos, evidence files)."
    )
    login_max_failures: int = Field(5, ge=1, description="Failed logins per username and IP in the window.")
    login_window_s: int = Field(300, ge=1)
    log_level: str = "INFO"
    opentelemetry: bool = Field(
        False, description="Turn on FastAPI's OpenTelemetry spans and metrics (needs a configured OTel provider)."
    )

    @field_validator("database_url")
    @classmethod
    def _known_dialect(cls, url: str) -> str:
        if url and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("ANXIN_DATABASE_URL must be sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
        return url

    @property
    def resolved_database_url(self) -> str:
        """The URL the engine uses: the configured one, or the embedded SQLite file."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'anxin.db').resolve()}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.data_dir / "keys.json"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")
