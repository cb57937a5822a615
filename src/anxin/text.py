"""Mark English UI strings for the translation catalogs without translating them here.

``N_("Platform admin")`` returns its argument unchanged; ``pybabel extract -k N_``
collects it, and the template translates it at render time with ``_()``.
Pure code can label things this way without importing the web layer.

>>> N_("Dispatch board")
'Dispatch board'
"""


def N_(text: str) -> str:
    return text
