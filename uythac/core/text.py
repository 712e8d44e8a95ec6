"""Text helpers without Django: search keys that ignore Vietnamese diacritics.

"Nguyễn Văn An" and "nguyen van an" share the key "nguyen van an"; đ/Đ fold to d (Unidecode does this).
"""

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def search_key(text: str | None) -> str:
    """Lower-case, diacritics removed, whitespace collapsed."""
    if not text:
        return ""
    return _SPACES.sub(" ", unidecode(text).lower()).strip()


def collapse_spaces(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()
