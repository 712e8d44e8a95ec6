"""The 54 ethnic groups of Vietnam, for the household's ``ethnicity``.

Source: Quyết định 121-TCTK/PPCĐ ngày 02/3/1979 của Tổng cục Thống kê ban hành "Danh mục các dân tộc Việt
Nam" (54 groups, still the official list used by the censuses). Names are written as in the General Statistics
Office's census publications (e.g. "Khmer", "Mông", "Raglay"); the order is the decision's order, so the
position is the decision's number (01 Kinh … 54 Rơ Măm). Common older spellings are accepted as aliases.
"""

import re

from uythac.core.text import search_key

ETHNIC_GROUPS: tuple[str, ...] = (
    "Kinh",
    "Tày",
    "Thái",
    "Hoa",
    "Khmer",
    "Mường",
    "Nùng",
    "Mông",
    "Dao",
    "Gia Rai",
    "Ngái",
    "Ê Đê",
    "Ba Na",
    "Xơ Đăng",
    "Sán Chay",
    "Cơ Ho",
    "Chăm",
    "Sán Dìu",
    "Hrê",
    "Mnông",
    "Raglay",
    "Xtiêng",
    "Bru Vân Kiều",
    "Thổ",
    "Giáy",
    "Cơ Tu",
    "Giẻ Triêng",
    "Mạ",
    "Khơ Mú",
    "Co",
    "Tà Ôi",
    "Chơ Ro",
    "Kháng",
    "Xinh Mun",
    "Hà Nhì",
    "Chu Ru",
    "Lào",
    "La Chí",
    "La Ha",
    "Phù Lá",
    "La Hủ",
    "Lự",
    "Lô Lô",
    "Chứt",
    "Mảng",
    "Pà Thẻn",
    "Cơ Lao",
    "Cống",
    "Bố Y",
    "Si La",
    "Pu Péo",
    "Brâu",
    "Ơ Đu",
    "Rơ Măm",
)

# For a select box: value and label are the official name.
ETHNICITY_CHOICES: tuple[tuple[str, str], ...] = tuple((name, name) for name in ETHNIC_GROUPS)

# Spellings found in older documents and bank files (the 1979 decision writes e.g. "Khơ-me", "HMông", "Ra-glai").
_ALIASES = {
    "viet": "Kinh",
    "kinhviet": "Kinh",
    "khome": "Khmer",
    "hmong": "Mông",
    "raglai": "Raglay",
    "giarai": "Gia Rai",
    "brauvankieu": "Bru Vân Kiều",
    "vankieu": "Bru Vân Kiều",
    "xodang": "Xơ Đăng",
}

_NOT_LETTERS = re.compile(r"[^a-z0-9]")


def _ethnicity_key(text: str) -> str:
    """Diacritics, case, spaces, hyphens and apostrophes ignored: "Ê-đê", "ê đê", "E De" share a key."""
    return _NOT_LETTERS.sub("", search_key(text))


_BY_KEY = {_ethnicity_key(name): name for name in ETHNIC_GROUPS} | _ALIASES


def ethnicity_official_name(value: str | None) -> str | None:
    """The official name for a typed ethnicity, or ``None`` if it is not one of the 54 groups."""
    return _BY_KEY.get(_ethnicity_key(value or ""))
