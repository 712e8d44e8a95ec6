"""Vietnamese personal names and village names for synthetic data.

Kinh family names follow their rough national frequencies (Nguyễn ≈ 38%, Trần ≈ 11%, Lê ≈ 9.5%, Phạm ≈ 7% …;
northern spellings Hoàng and Vũ), with the regional names of the northern midlands (Thân, Giáp, Ngọ are typical of
Bắc Giang). Older rural people mostly carry the middle names "Văn" (men) and "Thị" (women); younger people
more varied ones. Minority names use each group's own family names and, for the Mông and Dao, their naming
pattern (e.g. "Giàng A Páo", "Sùng Thị Súa", "Tẩn Láo Lở"). The weights are rounded approximations chosen for
realism, not statistics to report.
"""

import bisect
import itertools
import random
from dataclasses import dataclass


class Weighted:
    """A weighted table ``((value, weight), …)`` to draw from quickly (cumulative weights, one bisect per draw)."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, items):
        items = tuple(items)
        self.values = tuple(value for value, _weight in items)
        self.cumulative = tuple(itertools.accumulate(weight for _value, weight in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


# (name, weight) — rough shares of the population, in per mille.
KINH_FAMILY_NAMES = Weighted((
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 45), ("Phan", 45), ("Vũ", 39),
    ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8),
    ("Đào", 7), ("Trịnh", 6), ("Mai", 5), ("Lương", 5), ("Tô", 3), ("Tạ", 3), ("Cao", 4), ("Chu", 3),
    ("Lưu", 3), ("Hà", 4), ("Vương", 2), ("Thân", 6), ("Giáp", 4), ("Ngọ", 2), ("Nông", 2), ("Triệu", 2),
))

KINH_MALE_MIDDLE = Weighted((
    ("Văn", 40), ("Đức", 8), ("Minh", 7), ("Quang", 5), ("Hữu", 5), ("Xuân", 4), ("Thanh", 4), ("Công", 4),
    ("Ngọc", 3), ("Tiến", 3), ("Mạnh", 3), ("Duy", 3), ("Đình", 4), ("Trọng", 3), ("Anh", 2), ("Bá", 2),
    ("Quốc", 3), ("Thế", 3), ("Việt", 2), ("Hồng", 2),
))
KINH_FEMALE_MIDDLE = Weighted((
    ("Thị", 60), ("Thu", 5), ("Ngọc", 4), ("Thanh", 4), ("Hồng", 4), ("Minh", 3), ("Phương", 3), ("Kim", 3),
    ("Mai", 2), ("Thúy", 2), ("Hoài", 2), ("Bích", 2), ("Diệu", 1), ("Khánh", 1), ("Bảo", 1), ("Lan", 1),
))
# Younger people (born 1985 or later) are less often "Văn"/"Thị".
YOUNG_MALE_MIDDLE = Weighted((
    ("Văn", 15), ("Đức", 10), ("Minh", 10), ("Quang", 6), ("Hữu", 4), ("Xuân", 4), ("Thanh", 5), ("Công", 5),
    ("Ngọc", 4), ("Tiến", 4), ("Mạnh", 5), ("Duy", 6), ("Đình", 3), ("Trọng", 4), ("Anh", 5), ("Quốc", 5),
    ("Thế", 3), ("Việt", 4), ("Hoàng", 4), ("Gia", 3),
))
_YOUNG_FEMALE_MIDDLE_ITEMS = (
    ("Thị", 30), ("Thu", 8), ("Ngọc", 8), ("Thanh", 6), ("Hồng", 5), ("Minh", 5), ("Phương", 6), ("Kim", 4),
    ("Mai", 4), ("Thúy", 4), ("Hoài", 3), ("Bích", 3), ("Diệu", 3), ("Khánh", 4), ("Bảo", 3), ("Lan", 3),
)
YOUNG_FEMALE_MIDDLE = Weighted(_YOUNG_FEMALE_MIDDLE_ITEMS)
YOUNG_FEMALE_SECOND = Weighted(_YOUNG_FEMALE_MIDDLE_ITEMS[1:])  # "Thị Thu Hà": the second middle name

KINH_MALE_GIVEN = (
    "An", "Anh", "Bình", "Cường", "Dũng", "Dương", "Đạt", "Định", "Đông", "Giang", "Hải", "Hào", "Hiếu", "Hòa",
    "Hoàng", "Hùng", "Huy", "Hưng", "Khải", "Khang", "Khánh", "Kiên", "Lâm", "Lực", "Long", "Mạnh", "Minh",
    "Nam", "Nghĩa", "Ngọc", "Nhân", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thái", "Thắng",
    "Thành", "Thịnh", "Thuận", "Tiến", "Toàn", "Trung", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hậu",
    "Chiến", "Thiện", "Lợi", "Thọ", "Bảo", "Khôi", "Quý", "Sáng", "Tuyên", "Lộc", "Hiệp", "Đức", "Trường",
    "Hạnh", "Quyết", "Thanh", "Hoan",
)
KINH_FEMALE_GIVEN = (
    "An", "Anh", "Bích", "Châu", "Chi", "Cúc", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
    "Hòa", "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Liên", "Linh", "Loan", "Lụa", "Mai", "Minh", "My", "Nga",
    "Ngân", "Nguyệt", "Nhung", "Oanh", "Phượng", "Quyên", "Quỳnh", "Sen", "Tâm", "Thảo", "Thắm", "Thoa",
    "Thơm", "Thu", "Thủy", "Thúy", "Trang", "Tuyết", "Vân", "Xuân", "Yến", "Lý", "Hậu", "Hường", "Nhàn", "Gấm",
    "Nụ", "Lệ", "Dịu", "Hải", "Phương", "Ánh",
)


@dataclass(frozen=True)
class NamingStyle:
    """How one ethnic group forms names: family names, middle names by gender, given names by gender."""

    family: Weighted
    male_middle: Weighted
    female_middle: Weighted
    male_given: tuple = KINH_MALE_GIVEN
    female_given: tuple = KINH_FEMALE_GIVEN


def _flat(*names: str) -> Weighted:
    return Weighted((name, 1) for name in names)


_VAN = Weighted((("Văn", 1),))
_THI = Weighted((("Thị", 1),))

NAMING_STYLES: dict[str, NamingStyle] = {
    "Kinh": NamingStyle(KINH_FAMILY_NAMES, KINH_MALE_MIDDLE, KINH_FEMALE_MIDDLE),
    "Tày": NamingStyle(
        _flat("Hoàng", "Nông", "Ma", "Hà", "Lường", "Đàm", "Lương", "Hứa", "La", "Lục", "Triệu", "Ngôn"), _VAN, _THI
    ),
    "Nùng": NamingStyle(
        _flat("Hoàng", "Nông", "Lý", "Vi", "Lương", "Chu", "Lăng", "Mã", "Sầm", "Triệu", "Hoàng", "Nông"), _VAN, _THI
    ),
    "Sán Chay": NamingStyle(_flat("Hoàng", "Lâm", "Trương", "Lý", "La", "Tô", "Lục"), _VAN, _THI),
    "Sán Dìu": NamingStyle(_flat("Trương", "Lý", "La", "Diệp", "Lưu", "Dương", "Tạ"), _VAN, _THI),
    "Hoa": NamingStyle(_flat("Lưu", "Lý", "Trương", "Hoàng", "Chu", "Lâm", "Tăng"), _VAN, _THI),
    "Giáy": NamingStyle(_flat("Lù", "Sần", "Vương", "Hoàng", "Lò", "Phàn"), _VAN, _THI),
    "Dao": NamingStyle(
        _flat("Triệu", "Bàn", "Đặng", "Lý", "Phùng", "Chảo", "Tẩn"),
        Weighted((("Văn", 5), ("Láo", 2), ("Tài", 2), ("Kim", 1))),
        Weighted((("Thị", 5), ("Mý", 2), ("Tả", 1))),
        ("Sành", "Vần", "Quẩy", "Phin", "Chòi", "Lở", "Kiều", "Phú", "Sơn", "Lìn", "Pham", "Dùn", "Quyên", "Tá"),
        ("Mẩy", "Sử", "Mai", "Xuân", "Sần", "Chạn", "Dến", "Lìu", "Kiều", "Pham", "Hoa", "Mây"),
    ),
    "Mông": NamingStyle(
        _flat("Giàng", "Sùng", "Vàng", "Thào", "Lý", "Hầu", "Mùa", "Lù", "Má", "Cư", "Ly", "Tráng", "Hạng", "Vừ"),
        Weighted((("A", 6), ("Seo", 3), ("Mí", 1), ("Văn", 2))),
        Weighted((("Thị", 8), ("Mỷ", 1))),
        ("Páo", "Chứ", "Sử", "Dế", "Lử", "Pó", "Chống", "Tủa", "Sình", "Chư", "Dình", "Chá", "Lùng", "Phừ",
         "Pao", "Nủ", "Sài", "Vư", "Của", "Thào"),
        ("Súa", "Mai", "Dua", "Dợ", "Pàng", "Chở", "Mỷ", "Sâu", "Ly", "Dế", "Say", "Chu", "Mỵ", "Kía", "Lan"),
    ),
}


def family_name(rng: random.Random, ethnicity: str) -> str:
    return NAMING_STYLES.get(ethnicity, NAMING_STYLES["Kinh"]).family.pick(rng)


def person_name(rng: random.Random, *, ethnicity: str, female: bool, birth_year: int, family: str | None = None) -> str:
    """A full name "Family Middle Given" matching gender (and generation, for Kinh middle names)."""
    style = NAMING_STYLES.get(ethnicity, NAMING_STYLES["Kinh"])
    family = family or style.family.pick(rng)
    if ethnicity == "Kinh" and birth_year >= 1985:
        middle = (YOUNG_FEMALE_MIDDLE if female else YOUNG_MALE_MIDDLE).pick(rng)
    else:
        middle = (style.female_middle if female else style.male_middle).pick(rng)
    given = rng.choice(style.female_given if female else style.male_given)
    if ethnicity == "Kinh" and female and birth_year >= 1985 and middle == "Thị" and rng.random() < 0.15:
        # Four-word names such as "Nguyễn Thị Thu Hà" are common among younger women.
        middle = f"{middle} {YOUNG_FEMALE_SECOND.pick(rng)}"
    return f"{family} {middle} {given}"


# --- villages -------------------------------------------------------------------------------------------------

LOWLAND_VILLAGE_NAMES = (
    "Đông", "Đoài", "Trung", "Nam", "Bắc", "Thượng", "Hạ", "Giữa", "Chùa", "Đình", "Cầu", "Chợ", "Mới",
    "Tân Lập", "Tân Sơn", "Tân Thành", "Tân Tiến", "Hòa Bình", "Hợp Tiến", "Quyết Tiến", "Đồng Tâm",
    "Đồng Quan", "Phúc Lâm", "An Lạc", "Ngọc Lý", "Thành Công", "Thắng Lợi", "Đoàn Kết", "Hưng Thịnh",
    "Yên Ninh", "Lam Sơn", "Hồng Phong", "Trại Mới", "Nội", "Ngoài", "Gốc Đa", "Đồng Vàng", "Cẩm Bào",
    "Sơn Quả", "Dĩnh Kế", "Cầu Gỗ", "Đồng Lạc", "Phố Hoa", "Quế Sơn", "Tiền Phong", "Liên Sơn", "Bình An",
    "Thống Nhất", "Đồng Mai", "Kim Tràng", "Trám", "Đầm", "Khánh Giàng", "Núi Dành", "Ninh Sơn", "Cao Thượng",
    "Lãn Tranh", "Bãi Bông", "Mai Hạ", "Hố Cát", "Bến", "Dốc Đỏ", "Ao Dài", "Cây Thị", "Đồng Bản",
)
# Syllables of Mông, Dao and Tày place names in the northern mountains ("Lao Chải", "Nà Khương", "Tả Phìn" …).
UPLAND_FIRST = (
    "Lao", "Sín", "Tả", "Séo", "Nậm", "Phìn", "Ngải", "Lùng", "Sả", "Hầu", "Cán", "Mường", "Na", "Pả", "Cốc",
    "Mồ", "Ma", "Can", "Lủ", "Xín", "Chu", "Pờ", "Nà", "Khuổi", "Pác", "Pò", "Thào", "Lử", "Sủng", "Tòng",
)
UPLAND_SECOND = (
    "Chải", "Hồ", "Thàng", "Pền", "Sáng", "Dền", "Phìn", "Ngài", "Ván", "Chư", "Cang", "Mú", "Lang", "Cấu",
    "Sán", "Séo", "Chảy", "Sử", "Lìn", "Thền", "Pao", "Tủng", "Khương", "Nọi", "Cuổi", "Bó", "Mận", "Hạ",
)


@dataclass(frozen=True)
class VillageName:
    name: str
    kind: str  # uythac.geography.models.VillageKind value


def village_names(rng: random.Random, count: int, *, style: str) -> list[VillageName]:
    """``count`` distinct village names for one commune.

    ``style``: "ward" (Tổ dân phố), "lowland" (Thôn …, Thôn N, Xóm …) or "upland" (Bản …/Thôn … with
    minority place names, for mountain provinces).
    """
    if style == "ward":
        numbered = rng.random() < 0.6
        if numbered:
            return [VillageName(f"Tổ dân phố số {i}", "TDP") for i in range(1, count + 1)]
        pool = list(LOWLAND_VILLAGE_NAMES)
        rng.shuffle(pool)
        names = [VillageName(f"Tổ dân phố {word}", "TDP") for word in pool[:count]]
        names += [VillageName(f"Tổ dân phố số {i}", "TDP") for i in range(1, count - len(names) + 1)]
        return names
    result: list[VillageName] = []
    seen: set[str] = set()
    numbered_next = 1
    pool = list(LOWLAND_VILLAGE_NAMES)
    rng.shuffle(pool)
    while len(result) < count:
        if style == "upland":
            word = f"{rng.choice(UPLAND_FIRST)} {rng.choice(UPLAND_SECOND)}"
            prefix, kind = ("Bản", "BAN") if rng.random() < 0.55 else ("Thôn", "THON")
        else:
            roll = rng.random()
            if roll < 0.2 or not pool:
                word, prefix, kind = str(numbered_next), "Thôn", "THON"
                numbered_next += 1
            else:
                word = pool.pop()
                prefix, kind = ("Xóm", "THON") if roll > 0.8 else ("Thôn", "THON")
        name = f"{prefix} {word}"
        if word in seen:
            continue
        seen.add(word)
        result.append(VillageName(name, kind))
    return result
