import pytest

from anxin.errors import InvalidInput
from anxin.hotline.scanner import HotlineRegistry, MappingRegistry


def test_mapping_registry_normalises_and_answers_both_ways():
    reg = MappingRegistry({"Vaillant": ["400-700-1890", "４００７００１８９０"], "格力": ["4008365315"]})
    assert isinstance(reg, HotlineRegistry)
    assert reg.numbers_for("威能") == frozenset({"+864007001890"})  # alias → canonical brand
    assert reg.brands_for("+864008365315") == frozenset({"格力"})
    assert reg.numbers_for("海尔") is None and reg.brands_for("+8612345") == frozenset()


def test_bad_numbers_and_names_are_refused():
    with pytest.raises(InvalidInput, match="placeholder"):
        MappingRegistry({"格力": ["400-1616-×××"]})
    with pytest.raises(ValueError, match="empty"):
        MappingRegistry({" ": ["4008365315"]})
