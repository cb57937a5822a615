"""Refresh the zh catalog from the code: extract every msgid, merge into messages.po, list what lacks Chinese.

Usage: .venv/bin/python scripts/update_catalog.py [TRANSLATIONS.tsv]
The optional TSV (msgid<TAB>Chinese per line) fills empty translations.
Exit code 1 while any msgid has no translation (tests/web/test_i18n.py fails then too).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/anxin/web/locale/zh/LC_MESSAGES/messages.po"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
HEADER = "# Chinese (Simplified) UI text for anxin. msgids are English; zh is the default locale.\n"


def main() -> int:
    with PO.open("rb") as handle:
        old = read_po(handle, locale="zh")
    fill = {}
    if len(sys.argv) > 1:
        for line in Path(sys.argv[1]).read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                key, value = line.split("\t", 1)
                fill[key] = value
    new = Catalog(locale="zh", project="anxin")
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "src/anxin"), METHODS, keywords={"_": None, "gettext": None, "N_": None}, options_map=OPTIONS
    ):
        msgid = message if isinstance(message, str) else message[0]
        previous = old.get(msgid)
        new.add(msgid, (previous.string if previous else "") or fill.get(msgid, ""))
    buffer = io.BytesIO()
    write_po(buffer, new, no_location=True, width=0, omit_header=False, sort_output=False)
    body = buffer.getvalue().decode("utf-8")
    body = body[body.index('msgid ""') :]  # Babel's template comments give way to our one-line header
    PO.write_text(HEADER + body, encoding="utf-8")
    missing = [m.id for m in new if m.id and not m.string]
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
