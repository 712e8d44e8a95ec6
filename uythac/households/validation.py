"""Household identity fields: turn ``core.identifiers`` reason codes into clear Vietnamese messages.

Each ``clean_*`` returns the value to store or raises ``DomainError`` on the form field it concerns.
CCCD (12 digits, structure in ``core.identifiers``): 3-digit birth-registration province, 1 digit for century and
gender, 2 digits of the birth year, 6 serial digits. The old 9-digit CMND is no longer valid from 01/01/2025
(Luật Căn cước 2023, transitional provisions; glossary §10); it is kept only in ``legacy_id_number`` and flagged.
"""

import datetime as dt

from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.core.identifiers import check_cccd, check_cmnd, check_digits
from uythac.core.text import collapse_spaces
from uythac.households.ethnicities import ethnicity_official_name
from uythac.households.models import Gender

CMND_INVALID_FROM = dt.date(2025, 1, 1)
CUSTOMER_CODE_WIDTH = 10


def _digits_only(value) -> str:
    """IDs are typed with spaces or dots now and then ("001 080 000 123"): keep the characters, drop separators."""
    return "".join(str(value or "").split()).replace(".", "")


def clean_customer_code(value) -> str:
    code = str(value or "").strip()
    if check_digits(code, CUSTOMER_CODE_WIDTH):
        raise DomainError(_("Mã khách hàng phải gồm đúng 10 chữ số."), field="customer_code")
    return code


def clean_name(value) -> str:
    name = collapse_spaces(value if isinstance(value, str) else "")
    if not name:
        raise DomainError(_("Chưa nhập họ tên chủ hộ."), field="name")
    if len(name) > 150:
        raise DomainError(_("Họ tên chủ hộ dài quá 150 ký tự."), field="name")
    return name


def clean_gender(value) -> str:
    if value not in Gender.values:
        raise DomainError(_("Giới tính phải là Nam hoặc Nữ."), field="gender")
    return value


def clean_ethnicity(value) -> str:
    if not collapse_spaces(value if isinstance(value, str) else ""):
        raise DomainError(_("Chưa chọn dân tộc."), field="ethnicity")
    official = ethnicity_official_name(value)
    if official is None:
        raise DomainError(
            _("Dân tộc «%(value)s» không có trong danh mục 54 dân tộc Việt Nam.")
            % {"value": collapse_spaces(str(value or ""))},
            field="ethnicity",
        )
    return official


def cccd_message(reason: str, value: str, *, birth_date: dt.date | None = None) -> str:
    """The message for a ``check_cccd`` reason code."""
    if reason == "old_cmnd":
        return _(
            "Số %(value)s gồm 9 chữ số là số CMND cũ, không phải số CCCD: hãy nhập vào ô «Số CMND cũ»."
        ) % {"value": value}
    if reason == "bad_province":
        return _("Mã tỉnh nơi đăng ký khai sinh %(code)s trong số CCCD không hợp lệ.") % {"code": value[:3]}
    if reason == "bad_century":
        return _("Chữ số thứ 4 của CCCD không hợp lệ.")
    if reason == "gender_century_mismatch":
        return _("Chữ số thứ 4 của CCCD không khớp với giới tính và năm sinh.")
    if reason == "birth_year_mismatch":
        return _("Chữ số thứ 5 và 6 của CCCD (%(digits)s) không khớp với năm sinh %(year)d.") % {
            "digits": value[4:6],
            "year": birth_date.year if birth_date else 0,
        }
    return _("Số CCCD phải gồm 12 chữ số.")


def clean_national_id(value, *, birth_date: dt.date | None, gender: str) -> str:
    """The CCCD number, or "" when none is given."""
    number = _digits_only(value)
    if not number:
        return ""
    reason = check_cccd(number, birth_date=birth_date, female=gender == Gender.FEMALE)
    if reason:
        raise DomainError(cccd_message(reason, number, birth_date=birth_date), field="national_id")
    return number


def clean_legacy_id_number(value) -> str:
    """The old CMND (9 digits), or "" when none is given."""
    number = _digits_only(value)
    if not number:
        return ""
    if len(number) == 12 and number.isdigit():
        raise DomainError(
            _("Số %(value)s gồm 12 chữ số là số CCCD: hãy nhập vào ô «Số CCCD».") % {"value": number},
            field="legacy_id_number",
        )
    if check_cmnd(number):
        raise DomainError(_("Số CMND cũ phải gồm đúng 9 chữ số."), field="legacy_id_number")
    return number


def legacy_id_warning(household) -> str | None:
    """The notice shown on a household that has only the old CMND (``has_legacy_id_only``)."""
    if not household.has_legacy_id_only:
        return None
    return _(
        "Hộ chỉ có số CMND cũ %(number)s: CMND không còn giá trị sử dụng từ ngày %(date)s, cần bổ sung số CCCD."
    ) % {"number": household.legacy_id_number, "date": CMND_INVALID_FROM.strftime("%d/%m/%Y")}
