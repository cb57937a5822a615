"""Where the key ring lives: outside the database, in a file (0600) or an environment variable.

``ANXIN_KEYS`` (the ring's JSON) wins when set, for containers and secret
managers; otherwise ``ANXIN_KEY_FILE`` (default ``<data_dir>/keys.json``) is read,
and created with fresh keys on first use so the embedded mode just works. A
database copied without its key file is unreadable: that is the point, so back
the key file up separately.
"""

from __future__ import annotations

import os
from pathlib import Path

from anxin.privacy.crypto import KeyRing


def load_key_ring(*, key_file: Path, keys_json: str = "", create: bool = True) -> KeyRing:
    """The configured ring; a missing file is created (mode 0600) when ``create`` is true."""
    if keys_json.strip():
        return KeyRing.from_json(keys_json)
    if key_file.exists():
        return KeyRing.from_json(key_file.read_text(encoding="utf-8"))
    if not create:
        raise FileNotFoundError(f"no key file at {key_file}; set ANXIN_KEY_FILE or ANXIN_KEYS")
    ring = KeyRing.generate("k1")
    save_key_ring(ring, key_file)
    return ring


def save_key_ring(ring: KeyRing, key_file: Path) -> None:
    """Write atomically (temp file + rename) with owner-only permissions, so a crash never leaves half a ring."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    temp = key_file.with_suffix(".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(ring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, key_file)
