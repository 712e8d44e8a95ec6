"""Recording new decisions: rates, limits, overdue rules, area overrides (administrators only).

Every refused write leaves the parameter tables and the audit trail exactly as they were.
"""

import pytest
from django.core.exceptions import PermissionDenied

from tests.programs.helpers import D, dec, program_state
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.programs.models import LimitKind, ProgramLimit, ProgramRate, RateOverride
from uythac.programs.selectors import limit_on, overdue_rate_on, rate_on, rate_segments
from uythac.programs.services import (
    overdue_rule_add,
    program_limit_add,
    program_rate_add,
    rate_override_add,
)

pytestmark = pytest.mark.django_db

NEXT_CUT = {"source_document": "QĐ 9999/QĐ-TTg (giả định cho kiểm thử)", "confidence": "H"}


def refused(call, message: str, *, field: str | None = None):
    """The write is refused with ``message`` (on ``field``) and nothing changed."""
    before = program_state()
    with pytest.raises(DomainError) as error:
        call()
    assert message in error.value.text(), error.value.text()
    if field is not None:
        assert field in error.value.error_dict, error.value.error_dict
    assert program_state() == before


# --- program_rate_add ---------------------------------------------------------------------------------------

def test_admin_records_the_next_rate_cut_closing_the_current_rate(world):
    current = ProgramRate.objects.get(program__code="01", category=None, effective_from=D(2025, 12, 1))
    row = program_rate_add(actor=world.admin, program="01", annual_rate="5,9", effective_from=D(2026, 7, 1),
                           close_previous=True, note="Mức mới", **NEXT_CUT)
    current.refresh_from_db()
    assert current.effective_to == D(2026, 6, 30)
    assert (row.annual_rate, row.effective_from, row.effective_to, row.confidence) == (dec("5.9"), D(2026, 7, 1),
                                                                                      None, "H")
    assert rate_on("01", D(2026, 6, 30)).annual_rate == dec("6.24")
    assert rate_on("01", D(2026, 7, 1)).annual_rate == dec("5.9")
    assert rate_segments("01", D(2026, 6, 15), D(2026, 7, 15)) == [
        (D(2026, 6, 15), D(2026, 6, 30), dec("6.24")), (D(2026, 7, 1), D(2026, 7, 15), dec("5.9")),
    ]
    events = AuditEvent.objects.filter(parent_type="creditprogram", parent_key="01").order_by("id")
    assert [(e.action, e.object_key) for e in events] == [
        ("program_rate_close", "01/*/2025-12-01"), ("program_rate_add", "01/*/2026-07-01"),
    ]
    assert events[0].before["effective_to"] is None and events[0].after["effective_to"] == "2026-06-30"
    assert events[1].after["annual_rate"] == "5.9"


def test_admin_records_a_category_rate_with_an_end_date(world):
    program_rate_add(actor=world.admin, program="04", category="HALF_RATE", annual_rate=dec("2.9"),
                     effective_from=D(2027, 1, 1), effective_to=D(2027, 12, 31), close_previous=True, **NEXT_CUT)
    assert rate_on("04", D(2027, 6, 1), category="HALF_RATE").annual_rate == dec("2.9")
    assert rate_on("04", D(2027, 6, 1)).annual_rate == dec("6.24")  # the general rate is untouched
    assert rate_on("04", D(2026, 12, 31), category="HALF_RATE").annual_rate == dec("3.12")  # closed on 31/12/2026
    # A category with rates of its own never falls back to the general rate: after 2027 its rate is missing.
    with pytest.raises(DomainError, match="Người lao động thuộc hộ nghèo.* vào ngày 01/01/2028"):
        rate_on("04", D(2028, 1, 1), category="HALF_RATE")


def test_overlapping_rate_is_refused(world):
    refused(
        lambda: program_rate_add(actor=world.admin, program="01", annual_rate="5.9", effective_from=D(2026, 7, 1),
                                 **NEXT_CUT),
        "Thời gian hiệu lực trùng với mức đã có từ 01/12/2025–nay (QĐ 2553/QĐ-TTg",
        field="effective_from",
    )
    # Inside a closed past period, even with close_previous (only an open-ended earlier row may be closed).
    refused(
        lambda: program_rate_add(actor=world.admin, program="01", annual_rate="6", effective_from=D(2024, 1, 1),
                                 effective_to=D(2024, 12, 31), close_previous=True, **NEXT_CUT),
        "trùng với mức đã có từ 01/01/2019–30/11/2025",
    )
    # Same start date as the open row: closing it would leave it ending before it starts.
    refused(
        lambda: program_rate_add(actor=world.admin, program="01", annual_rate="6", effective_from=D(2025, 12, 1),
                                 close_previous=True, **NEXT_CUT),
        "trùng với mức đã có từ 01/12/2025–nay",
    )


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"annual_rate": "0"}, "Lãi suất phải lớn hơn 0 và nhỏ hơn 100 (%/năm).", "annual_rate"),
        ({"annual_rate": "100"}, "Lãi suất phải lớn hơn 0 và nhỏ hơn 100 (%/năm).", "annual_rate"),
        ({"annual_rate": "-1"}, "Lãi suất phải lớn hơn 0 và nhỏ hơn 100 (%/năm).", "annual_rate"),
        ({"annual_rate": "sáu"}, "Lãi suất không hợp lệ.", "annual_rate"),
        ({"annual_rate": "6.1234567"}, "Lãi suất có tối đa 6 chữ số thập phân.", "annual_rate"),
        ({"effective_to": D(2026, 6, 30)},
         "Ngày hết hiệu lực (30/06/2026) không được trước ngày hiệu lực (01/07/2026).", "effective_to"),
        ({"effective_from": None}, "Chưa nhập ngày hiệu lực.", "effective_from"),
        ({"source_document": "  "}, "Chưa nhập văn bản nguồn.", "source_document"),
        ({"confidence": "X"}, "Độ tin cậy không hợp lệ.", "confidence"),
        ({"category": "ORPHAN"}, "Chương trình 01 không có đối tượng thụ hưởng «ORPHAN».", "category"),
        ({"program": "55"}, "Không có chương trình tín dụng mã «55».", "program"),
    ],
)
def test_bad_rate_input_is_refused(world, changes, message, field):
    data = {"actor": world.admin, "program": "01", "annual_rate": "5.9", "effective_from": D(2026, 7, 1),
            "close_previous": True, **NEXT_CUT}
    data.update(changes)
    refused(lambda: program_rate_add(**data), message, field=field)


def test_only_administrators_record_rates(world):
    for persona in world.personas:
        if persona.role == "admin":
            continue
        before = program_state()
        with pytest.raises(PermissionDenied):
            program_rate_add(actor=persona, program="01", annual_rate="5.9", effective_from=D(2026, 7, 1),
                             close_previous=True, **NEXT_CUT)
        assert program_state() == before


# --- program_limit_add ----------------------------------------------------------------------------------------

def test_admin_records_a_new_cap_and_a_system_wide_rule(world):
    program_limit_add(actor=world.admin, program="01", kind="MAX_AMOUNT_PER_HOUSEHOLD", value="150.000.000",
                      effective_from=D(2027, 1, 1), close_previous=True, **NEXT_CUT)
    assert limit_on("01", LimitKind.MAX_AMOUNT_PER_HOUSEHOLD, D(2026, 12, 31)).value == 100_000_000
    assert limit_on("01", LimitKind.MAX_AMOUNT_PER_HOUSEHOLD, D(2027, 1, 1)).value == 150_000_000
    row = program_limit_add(actor=world.admin, program=None, kind="EXTENSION_MAX_PERCENT_OF_TERM", value="40",
                            effective_from=D(2027, 1, 1), close_previous=True, **NEXT_CUT)
    assert (row.program, row.percent) == (None, dec("40"))
    assert limit_on("09", LimitKind.EXTENSION_MAX_PERCENT_OF_TERM, D(2027, 1, 1)).percent == dec("40")
    program_limit_add(actor=world.admin, program="19", kind="ROLLOVER", value="ALLOWED",
                      effective_from=D(2027, 1, 1), **NEXT_CUT)
    assert limit_on("19", LimitKind.ROLLOVER, D(2027, 1, 1)).value == "ALLOWED"
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "object_key"))
    assert actions == [
        ("program_limit_close", "01/*/MAX_AMOUNT_PER_HOUSEHOLD/2019-01-01"),
        ("program_limit_add", "01/*/MAX_AMOUNT_PER_HOUSEHOLD/2027-01-01"),
        ("program_limit_close", "*/*/EXTENSION_MAX_PERCENT_OF_TERM/2019-01-01"),
        ("program_limit_add", "*/*/EXTENSION_MAX_PERCENT_OF_TERM/2027-01-01"),
        ("program_limit_add", "19/*/ROLLOVER/2027-01-01"),
    ]


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("MAX_AMOUNT_PER_HOUSEHOLD", "0", "Mức cho vay tối đa/hộ phải lớn hơn 0 đồng."),
        ("MAX_AMOUNT_PER_HOUSEHOLD", "một trăm", "Mức cho vay tối đa/hộ phải là số nguyên."),
        ("MAX_TERM_MONTHS", -1, "Thời hạn cho vay tối đa không được âm."),
        ("MAX_TERM_MONTHS", "1,5", "Thời hạn cho vay tối đa phải là số nguyên."),
        ("MAX_PERCENT_OF_COST", "150", "Mức cho vay tối đa theo % chi phí/giá trị phải lớn hơn 0 và không quá 100%."),
        ("ROLLOVER", "MAYBE", "Lưu vụ không hợp lệ."),
        ("ROLLOVER", "", "Chưa nhập giá trị."),
    ],
)
def test_bad_limit_values_are_refused(world, kind, value, message):
    refused(
        lambda: program_limit_add(actor=world.admin, program="01", kind=kind, value=value,
                                  effective_from=D(2027, 1, 1), close_previous=True, **NEXT_CUT),
        message, field="value",
    )


def test_overlapping_limit_and_unknown_kind_are_refused(world):
    refused(
        lambda: program_limit_add(actor=world.admin, program="06", kind="MAX_AMOUNT_PER_WORK", value=30_000_000,
                                  effective_from=D(2024, 1, 1), **NEXT_CUT),
        "trùng với mức đã có từ 01/01/2019–01/09/2024",
    )
    refused(
        lambda: program_limit_add(actor=world.admin, program="06", kind="MAX_LUCK", value=1,
                                  effective_from=D(2027, 1, 1), **NEXT_CUT),
        "Loại quy định không hợp lệ.", field="kind",
    )


# --- overdue rules and area overrides ---------------------------------------------------------------------------

def test_admin_records_a_program_overdue_rule(world):
    overdue_rule_add(actor=world.admin, program="07", multiplier_percent="150", effective_from=D(2027, 1, 1),
                     **NEXT_CUT)
    assert overdue_rate_on("07", D(2027, 1, 1)).annual_rate == dec("4.5")  # 3 × 150 %
    assert overdue_rate_on("07", D(2026, 12, 31)).annual_rate == dec("3.9")  # the system-wide 130 %
    refused(lambda: overdue_rule_add(actor=world.admin, program="07", multiplier_percent="150",
                                     fixed_annual_rate="10", effective_from=D(2028, 1, 1), **NEXT_CUT),
            "Nhập đúng một trong hai", field="multiplier_percent")
    refused(lambda: overdue_rule_add(actor=world.admin, program=None, multiplier_percent="140",
                                     effective_from=D(2027, 1, 1), **NEXT_CUT),
            "trùng với mức đã có từ 01/01/2019–nay")


OVERRIDE = {
    "name": "Giảm lãi suất thử nghiệm", "legal_basis": "QĐ 9998/QĐ-TTg", "programs": ["01"], "provinces": ["79"],
    "effective_from": D(2025, 11, 1), "effective_to": D(2025, 12, 31), "source_document": "Kiểm thử",
    "confidence": "H", "area_confidence": "H", "programs_confidence": "H", "delta_points": "-2",
    "combination": "RATE_AT_START", "combination_confidence": "M",
}


def test_override_combination_rule_is_data(world):
    """With RATE_AT_START the delta stays on the base of the override's first day (6.6 − 2 = 4.6 through
    December) instead of following the cut of 01/12/2025 (6.24 − 2 = 4.24 under RATE_IN_FORCE)."""
    rate_override_add(actor=world.admin, **OVERRIDE)
    assert rate_on("01", D(2025, 12, 15), province="79").annual_rate == dec("4.6")
    assert rate_on("01", D(2025, 12, 15), province="01").annual_rate == dec("4.24")
    assert rate_segments("01", D(2025, 10, 20), D(2026, 1, 10), province="79") == [
        (D(2025, 10, 20), D(2025, 10, 31), dec("6.6")),
        (D(2025, 11, 1), D(2025, 12, 31), dec("4.6")),
        (D(2026, 1, 1), D(2026, 1, 10), dec("6.24")),
    ]
    event = AuditEvent.objects.get(action="rate_override_add")
    assert (event.after["programs"], event.after["provinces"]) == (["01"], ["79"])


def test_absolute_override(world):
    rate_override_add(actor=world.admin, **{**OVERRIDE, "delta_points": None, "combination": "",
                                            "combination_confidence": "", "absolute_rate": "1.5"})
    assert rate_on("01", D(2025, 12, 15), province="79").annual_rate == dec("1.5")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"provinces": ["01"]}, "Trùng thời gian, chương trình và địa bàn với điều chỉnh QĐ 2654/QĐ-TTg"),
        ({"effective_to": None}, "Điều chỉnh theo địa bàn phải có ngày kết thúc."),
        ({"programs": []}, "Chưa chọn chương trình áp dụng."),
        ({"provinces": []}, "Chưa chọn tỉnh/thành phố áp dụng."),
        ({"provinces": ["00"]}, "Không có tỉnh/thành phố mã «00»."),
        ({"absolute_rate": "3"}, "Nhập đúng một trong hai"),
        ({"delta_points": "0"}, "Mức điều chỉnh phải khác 0"),
        ({"combination": "SOMEHOW"}, "Cách kết hợp với lãi suất gốc không hợp lệ."),
    ],
)
def test_bad_override_is_refused(world, changes, message):
    refused(lambda: rate_override_add(actor=world.admin, **{**OVERRIDE, **changes}), message)
    assert RateOverride.objects.count() == 2


def test_non_admin_cannot_record_limits_rules_or_overrides(world):
    before = program_state()
    with pytest.raises(PermissionDenied):
        program_limit_add(actor=world.branch_staff, program="01", kind="MAX_TERM_MONTHS", value=60,
                          effective_from=D(2027, 1, 1), close_previous=True, **NEXT_CUT)
    with pytest.raises(PermissionDenied):
        overdue_rule_add(actor=world.pgd_staff, program="07", multiplier_percent="150",
                         effective_from=D(2027, 1, 1), **NEXT_CUT)
    with pytest.raises(PermissionDenied):
        rate_override_add(actor=world.commune_viewer, **OVERRIDE)
    assert program_state() == before
    assert ProgramLimit.objects.filter(effective_from=D(2027, 1, 1)).count() == 0
