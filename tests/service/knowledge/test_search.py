"""Search words (pure): jieba tokens, lower case, no punctuation, and every word of a text finds that text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.service.knowledge.search import STOP_WORDS, highlight, query_terms, snippet, tokens

REPAIR_WORDS = [
    "指纹识别", "模块", "失灵", "门锁", "打不开", "反锁", "电池", "没电", "低电量", "报警", "防撬", "密码键盘",
    "按键", "没反应", "排线", "松动", "更换", "锁体", "斜舌", "把手", "回弹", "猫眼", "黑屏", "面板", "进水",
    "应急电源", "机械钥匙", "重新安装", "螺丝", "触点", "氧化", "S2 Pro", "X7", "fingerprint", "sensor", "Battery",
    "，", "。", "、", "！", " ", "（", "）", "3.5V", "ＦＵＬＬ", "的", "了",
]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(REPAIR_WORDS), st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF))),
    max_size=20,
).map("".join)


def test_phrase_worded_differently_is_covered():
    assert set(query_terms("指纹识别失灵")) <= set(tokens("客户反映指纹识别模块失灵，按压无反应"))


def test_lower_case_english_kept_punctuation_and_stop_words_dropped():
    assert tokens("Fingerprint SENSOR，失灵了！") == ["fingerprint", "sensor", "失灵"]
    assert tokens("ＳＴ－９") == ["st", "9"]  # full-width input-method letters are the same words
    assert query_terms("？？。的 了") == []


@settings(max_examples=200, deadline=None)
@given(texts)
def test_every_word_of_an_article_finds_it(text):
    """Searching any one of an article's words asks only for words the article has (the AND query matches)."""
    indexed = set(tokens(text))
    for word in indexed:
        assert word and word == word.lower() and word not in STOP_WORDS
        assert all(ch.isalnum() for ch in word)
        assert query_terms(word) and set(query_terms(word)) <= indexed, word


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.sampled_from(REPAIR_WORDS), max_size=4))
def test_highlight_keeps_the_text_and_marks_only_terms(text, asked):
    terms = query_terms(" ".join(asked))
    runs = highlight(text, terms)
    assert "".join(piece for piece, _hit in runs) == text
    assert all(any(t in piece.lower() for t in terms) for piece, hit in runs if hit)
    excerpt = "".join(piece for piece, _hit in snippet([text], terms, width=30)).strip("…")
    assert excerpt in text and len(excerpt) <= 30
