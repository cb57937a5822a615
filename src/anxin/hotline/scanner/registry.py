"""What the scanner needs to know about verified numbers, as a protocol any store can implement.

The database-backed registry lives elsewhere (``anxin.hotline.service``); the
scanner only needs two questions answered, so it depends on this protocol and
tests pass a plain mapping through :class:`MappingRegistry`. Look-ups are O(1).

>>> reg = MappingRegistry({"威能": ["400-700-1890"]})
>>> reg.numbers_for("威能"), reg.numbers_for("林内"), reg.brands_for("+864007001890")
(frozenset({'+864007001890'}), None, frozenset({'威能'}))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

from anxin.hotline.phones import normalize_phone
from anxin.hotline.scanner.lexicon import canonical_brand


@runtime_checkable
class HotlineRegistry(Protocol):
    """Verified after-sales numbers by brand (numbers in E.164, or national digits for short numbers)."""

    def numbers_for(self, brand: str) -> frozenset[str] | None:
        """The brand's verified numbers; None when the brand has registered nothing (unknown to us)."""
        ...

    def brands_for(self, number: str) -> frozenset[str]:
        """Brands that verified this number (empty when none did)."""
        ...


class MappingRegistry:
    """A registry from ``{brand: [numbers as people write them]}``; numbers are normalised on the way in.

    Raises:
        anxin.errors.InvalidInput: a number that is not one phone number (the message names it).
    """

    def __init__(self, numbers_by_brand: Mapping[str, Iterable[str]]):
        by_brand: dict[str, set[str]] = {}
        by_number: dict[str, set[str]] = {}
        for brand, numbers in numbers_by_brand.items():
            name = canonical_brand(brand.strip())
            if not name:
                raise ValueError("brand names in the registry must not be empty")
            for raw in numbers:
                p = normalize_phone(raw)
                key = p.e164 or p.digits
                by_brand.setdefault(name, set()).add(key)
                by_number.setdefault(key, set()).add(name)
        self._by_brand = {k: frozenset(v) for k, v in by_brand.items()}
        self._by_number = {k: frozenset(v) for k, v in by_number.items()}

    def numbers_for(self, brand: str) -> frozenset[str] | None:
        return self._by_brand.get(canonical_brand(brand))

    def brands_for(self, number: str) -> frozenset[str]:
        return self._by_number.get(number, frozenset())


EMPTY_REGISTRY = MappingRegistry({})
