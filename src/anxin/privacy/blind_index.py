"""Blind indexes: find an encrypted phone number by equality without decrypting every row.

Problem: AES-GCM with random nonces gives a different ciphertext every time, so
``WHERE phone = ?`` cannot work on sealed columns, yet an agent must recognise a
returning caller from the number in under a second. A keyed HMAC-SHA256 of the
normalised value, truncated to 128 bits, is stored beside the ciphertext: equal
inputs give equal digests, and without the key a digest cannot be reversed by
trying all ~10^10 mobile numbers (as a plain hash could). The key lives in the
key file, apart from the encryption keys, so rotating those leaves every index
valid. ``context`` separates columns, so equal values in two columns do not link.

>>> index = BlindIndex(bytes(32))
>>> a = index.digest("+8613812345678", context="customers.phone")
>>> a == index.digest("+8613812345678", context="customers.phone"), len(a)
(True, 32)
>>> a == index.digest("+8613812345678", context="reports.phone")
False
"""

from __future__ import annotations

import hashlib
import hmac

DIGEST_HEX_CHARS = 32


class BlindIndex:
    """Keyed, deterministic digests of normalised values (normalise first: E.164 for phones)."""

    def __init__(self, key: bytes):
        if len(key) < 32:
            raise ValueError("the blind-index key needs at least 32 bytes; generate it with secrets.token_bytes(32)")
        self._key = key

    def digest(self, value: str, *, context: str) -> str:
        mac = hmac.new(self._key, context.encode("utf-8") + b"\x00" + value.encode("utf-8"), hashlib.sha256)
        return mac.hexdigest()[:DIGEST_HEX_CHARS]
