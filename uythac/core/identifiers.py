"""The bank's identifier formats, kept as strings with their leading zeros (no Django here).

Formats: customer 10 digits, group 7, village 8, commune 6 (bank exports left-pad the 5-digit GSO code),
PGD and branch 6, transaction point ``TXN…``; source: shared/domain/export-formats.md §1.4 (OFFICIAL-EXPORT, M).
Each ``check_*`` returns ``None`` when valid, otherwise a short reason code that the UI layer turns
into a translated message (so the rule stays testable without Django).
"""

import datetime as dt
import re

import phonenumbers

DIGITS = re.compile(r"^\d+$")
TRANSACTION_POINT_CODE = re.compile(r"^TXN[0-9A-Z]{1,17}$")

# Birth-registration province codes of the 12-digit citizen ID (CCCD), Thông tư 07/2016/TT-BCA Art. 7
# (replaced by 59/2021/TT-BCA, same code list): the 63 pre-2025 provinces.
CCCD_PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def pad_code(value: str | int, width: int) -> str:
    """Excel turns leading-zero codes into numbers: pad them back (export-formats.md §1.4)."""
    text = str(value).strip()
    if text.isdigit() and len(text) < width:
        return text.zfill(width)
    return text


def check_digits(value: str, width: int) -> str | None:
    if not value or not DIGITS.match(value):
        return "not_digits"
    if len(value) != width:
        return "wrong_length"
    return None


def check_transaction_point_code(value: str) -> str | None:
    return None if TRANSACTION_POINT_CODE.match(value or "") else "bad_transaction_point_code"


def cccd_century_digit(birth_date: dt.date, female: bool) -> str:
    """4th digit of the CCCD: century of birth and gender (0/1 = 1900s male/female, 2/3 = 2000s …)."""
    century_index = (birth_date.year - 1900) // 100
    return str(century_index * 2 + (1 if female else 0))


def check_cccd(value: str, *, birth_date: dt.date | None = None, female: bool | None = None) -> str | None:
    """Validate a 12-digit citizen ID: length, province code, and (when known) century/gender/birth year."""
    if not value or not DIGITS.match(value):
        return "not_digits"
    if len(value) == 9:
        return "old_cmnd"
    if len(value) != 12:
        return "wrong_length"
    if value[:3] not in CCCD_PROVINCE_CODES:
        return "bad_province"
    if value[3] not in "0123456789":
        return "bad_century"
    if birth_date is not None:
        if value[4:6] != f"{birth_date.year % 100:02d}":
            return "birth_year_mismatch"
        if female is not None and value[3] != cccd_century_digit(birth_date, female):
            return "gender_century_mismatch"
    return None


def check_cmnd(value: str) -> str | None:
    """Old 9-digit ID card (CMND); no longer valid from 01/01/2025 but kept to flag it (glossary §10)."""
    return None if value and DIGITS.match(value) and len(value) == 9 else "bad_cmnd"


def normalize_phone(value: str) -> str:
    """Return a Vietnamese number as 10 national digits starting with 0, or raise ValueError.

    Accepts +84/84 prefixes, spaces, dots and dashes. Valid form: 10 digits starting with 0 (practitioner
    rule, glossary §10), checked by libphonenumber's Vietnamese numbering plan.
    """
    raw = re.sub(r"[\s.\-()]", "", value or "")
    if not raw:
        raise ValueError("empty")
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValueError("unparseable") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValueError("invalid")
    national = "0" + str(number.national_number)
    if len(national) != 10:
        raise ValueError("invalid")
    return national
