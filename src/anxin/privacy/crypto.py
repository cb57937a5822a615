"""Field-level encryption with AES-256-GCM and a key ring that supports rotation.

Problem: names, phone numbers, addresses and notes must be unreadable in the
database file, in dumps and in backups, yet a key can leak or age and must be
replaceable without downtime. Each value is sealed on its own with a fresh
96-bit nonce (NIST SP 800-38D) under the ring's *active* key; the key id travels
with the value, so after a rotation old values still open with their old key
until a background job re-seals them under the new one. The column name is
bound in as associated data, so a ciphertext copied into another column (a
phone into a name) fails to open instead of leaking.

Token format (ASCII, fits a VARCHAR): ``v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>``.
Cost: one AES-GCM call per field (microseconds); 28 bytes of nonce and tag plus
base64 overhead per value.

>>> ring = KeyRing.generate("k1")
>>> token = ring.seal("13812345678", context="customers.phone")
>>> token.startswith("v1.k1.") and "138" not in token
True
>>> ring.open(token, context="customers.phone")
'13812345678'
>>> rotated = ring.rotate("k2")
>>> rotated.needs_reseal(token), rotated.open(token, context="customers.phone")
(True, '13812345678')
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from anxin.errors import InvalidInput

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(InvalidInput):
    """A sealed value could not be opened: unknown key id, wrong column, or altered bytes."""

    code = "decryption_failed"
    status = 500


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class KeyRing:
    """AES-256 keys by id; seals with the active key and opens with whichever key a value names.

    Args:
        keys: key id → 32 random bytes. Ids are short ASCII names (``2026-11``, ``k1``).
        active: the id new values are sealed with.
        blind_index_key: 32 bytes for the keyed-HMAC blind indexes (kept apart from the
            encryption keys: rotating those must not change any index).
    """

    def __init__(self, keys: Mapping[str, bytes], active: str, blind_index_key: bytes):
        if not keys:
            raise ValueError("a key ring needs at least one key; use KeyRing.generate()")
        for key_id, key in keys.items():
            if not _KEY_ID.match(key_id):
                raise ValueError(f"key id {key_id!r} must be 1-32 characters of A-Z a-z 0-9 _ -")
            if len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id!r} has {len(key)} bytes; AES-256 needs {KEY_BYTES}")
        if active not in keys:
            raise ValueError(f"active key {active!r} is not in the ring {sorted(keys)}")
        if len(blind_index_key) != KEY_BYTES:
            raise ValueError(f"the blind-index key needs {KEY_BYTES} bytes")
        self._keys = dict(keys)
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active = active
        self.blind_index_key = blind_index_key

    @classmethod
    def generate(cls, key_id: str = "k1") -> KeyRing:
        """A new ring with one random key and a random blind-index key."""
        return cls({key_id: secrets.token_bytes(KEY_BYTES)}, key_id, secrets.token_bytes(KEY_BYTES))

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._keys)

    def rotate(self, key_id: str) -> KeyRing:
        """A ring with a fresh key ``key_id`` made active; the old keys stay to open old values."""
        if key_id in self._keys:
            raise ValueError(f"key id {key_id!r} exists already; pick a new one (e.g. the date)")
        return KeyRing({**self._keys, key_id: secrets.token_bytes(KEY_BYTES)}, key_id, self.blind_index_key)

    def retire(self, key_id: str) -> KeyRing:
        """A ring without ``key_id``, once no stored value needs it any more."""
        if key_id == self.active:
            raise ValueError("the active key cannot be retired; rotate first")
        return KeyRing({k: v for k, v in self._keys.items() if k != key_id}, self.active, self.blind_index_key)

    def seal(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` for the column named by ``context`` under the active key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self.active].encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
        return f"{VERSION}.{self.active}.{_b64(nonce + sealed)}"

    def open(self, token: str, *, context: str) -> str:
        """Decrypt a token sealed for ``context``.

        Raises:
            DecryptionError: malformed token, unknown key id, another column's value, or tampering.
        """
        try:
            version, key_id, body = token.split(".", 2)
            raw = _unb64(body)
        except (ValueError, binascii.Error):
            raise DecryptionError(f"not a sealed value (expected {VERSION}.<key>.<data>)") from None
        if version != VERSION:
            raise DecryptionError(f"unknown sealed-value version {version!r}")
        aead = self._aead.get(key_id)
        if aead is None:
            raise DecryptionError(f"key {key_id!r} is not in the key ring; was it retired too early?")
        try:
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
        except InvalidTag:
            raise DecryptionError(f"value does not open for {context!r}: wrong column or altered") from None

    def needs_reseal(self, token: str) -> bool:
        """True when a value was sealed under a key other than the active one (rotation is not done)."""
        return token.split(".", 2)[1] != self.active

    def to_json(self) -> str:
        """The ring as JSON with base64 keys: what the key file holds. Secret: never log or store it in the DB."""
        return json.dumps(
            {
                "active": self.active,
                "keys": {k: _b64(v) for k, v in sorted(self._keys.items())},
                "blind_index_key": _b64(self.blind_index_key),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            data = json.loads(text)
            return cls({k: _unb64(v) for k, v in data["keys"].items()}, data["active"], _unb64(data["blind_index_key"]))
        except (KeyError, TypeError, json.JSONDecodeError, binascii.Error) as exc:
            raise ValueError(f"key ring JSON is malformed ({exc}); expected active, keys, blind_index_key") from None
