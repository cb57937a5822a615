"""Chinese-first UI text: templates use English msgids, the zh catalog (a .po file) translates them.

The .po file is read directly with Babel at start-up, so no compile step is
needed and the catalog in the repository is the one that runs. A test
extracts every msgid from the templates and fails if zh lacks one.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """Translations for ``locale``; English is the msgid language and needs none."""
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == "en" or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
