"""Chinese first: every UI string in the templates and every N_() label has a zh translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from anxin.web.i18n import translations

SRC = Path(__file__).resolve().parents[2] / "src" / "anxin"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), METHODS, keywords={"_": None, "gettext": None, "N_": None}, options_map=OPTIONS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_extraction_finds_the_ui_text():
    msgids = _msgids()
    assert {"Log in", "Accounts and API keys", "Platform administrator"} <= msgids


def test_every_msgid_has_a_chinese_translation():
    zh = translations("zh")
    untranslated = sorted(m for m in _msgids() if zh.gettext(m) == m)
    assert untranslated == [], f"add these to src/anxin/web/locale/zh/LC_MESSAGES/messages.po: {untranslated}"


def test_english_is_the_msgid_itself():
    assert translations("en").gettext("Log in") == "Log in"
    assert translations("zh").gettext("Log in") == "登录"
