from anxin.hotline.scanner import lexicon


def test_every_alias_maps_to_a_listed_brand():
    assert all(lexicon.canonical_brand(a) in lexicon.BRANDS for a in lexicon.ALIASES)
    assert all(a.strip() == a and a for a in lexicon.ALIASES)
    assert lexicon.canonical_brand("Vaillant") == "威能" and lexicon.canonical_brand("索立捷") == "索立捷"


def test_traditional_fold_is_one_to_one():
    assert all(len(chr(k)) == len(chr(v)) == 1 for k, v in lexicon.T2S.items())
    assert lexicon.to_simplified("全國統一售後服務熱線點擊諮詢") == "全国统一售后服务热线点击咨询"


def test_word_lists_are_simplified_already():
    for words in (lexicon.SERVICE_WORDS, lexicon.CLAIM_WORDS, lexicon.CALL_BAIT, lexicon.WARNING_WORDS):
        assert all(lexicon.to_simplified(w) == w for w in words)
