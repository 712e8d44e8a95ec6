"""Recording and correcting inspections: scope, levels, subjects, dates; a refused write changes nothing."""

import datetime as dt

import pytest

from tests.inspections.support import D, loan, written_state
from uythac.core.exceptions import DomainError
from uythac.core.guards import today
from uythac.core.models import AuditEvent
from uythac.inspections.models import Inspection
from uythac.inspections.services import inspection_correct, inspection_record

pytestmark = pytest.mark.django_db

COMMUNE, PROVINCE, OFFICE = "ASSOC_COMMUNE", "ASSOC_PROVINCE", "BANK_OFFICE"


def _group_check(iw, actor, *, group=None, level=COMMUNE, **extra):
    fields = {"subject_kind": "GROUP", "subject": (group or iw.group_a).code, "level": level,
              "inspected_on": D(2026, 10, 1), "reason": "ANNUAL_GROUP", "inspector_name": "Nguyễn Văn Kiểm",
              "findings": "Tổ sinh hoạt đều, sổ sách đầy đủ."}
    fields.update(extra)
    return inspection_record(actor=actor, **fields)


def test_a_commune_association_officer_records_a_check_of_its_group(iw):
    inspection = _group_check(iw, iw.commune_association)
    inspection.refresh_from_db()
    assert (inspection.level, inspection.organization.code, inspection.group, inspection.commune,
            inspection.managing_unit, inspection.province, inspection.entered_on, inspection.inspector) == (
        COMMUNE, "11", iw.group_a, iw.commune_a, iw.unit_a["11"], iw.province, today(), iw.commune_association)
    event = AuditEvent.objects.get(action="inspection.record")
    assert (event.object_key, event.parent_key, event.after["inspected_on"]) == (
        str(inspection.pk), "0000001", "2026-10-01")


def test_a_loan_check_copies_the_loan_household_and_group(iw):
    one = loan(iw, iw.household_a, iw.group_a, D(2026, 9, 20))
    inspection = inspection_record(
        actor=iw.credit_officer, subject_kind="LOAN", subject=one.loan_number, group=iw.group_a.code, level=OFFICE,
        inspected_on=D(2026, 10, 5), reason="POST_DISBURSEMENT", inspector_name="CBTD", use_of_funds="MISUSED",
        misappropriation_level="01", follow_up_required=True,
    )
    assert (inspection.organization, inspection.loan, inspection.household, inspection.group,
            inspection.use_of_funds, inspection.misappropriation_level) == (
        None, one, iw.household_a, iw.group_a, "MISUSED", "01")


@pytest.mark.parametrize(
    ("who", "extra", "field", "message"),
    [
        ("commune_association", {"inspected_on": today() + dt.timedelta(days=1)}, "inspected_on",
         "không được sau ngày hôm nay"),
        ("commune_association", {"inspected_on": D(2015, 2, 1)}, "inspected_on", "ngày thành lập tổ"),
        ("commune_association", {"group": "0000079"}, "subject", "Không tìm thấy tổ TK&VV «0000079»"),
        # Another organization's group reads as missing to an association officer.
        ("commune_association", {"group": "0000002"}, "subject", "Không tìm thấy tổ TK&VV «0000002»"),
        ("commune_association", {"level": OFFICE}, "level", "không được ghi kết quả kiểm tra ở cấp này"),
        ("commune_association", {"organization": "12"}, "organization", "của hội mình"),
        ("commune_association", {"use_of_funds": "CORRECT"}, "use_of_funds", "chỉ ghi khi kiểm tra món vay"),
        ("commune_association", {"reason": "POST_DISBURSEMENT"}, "reason", "chỉ dùng cho đối tượng"),
        ("commune_association", {"inspector_name": "  "}, "inspector_name", "Chưa nhập"),
        ("commune_association", {"reason": "NOPE"}, "reason", "không hợp lệ"),
        ("group_leader", {}, "level", "không được ghi"),
        ("commune_viewer", {}, "level", "không được ghi"),
        ("pgd_staff", {"group": "0000079", "level": OFFICE}, "subject", "Không tìm thấy tổ TK&VV"),
        ("admin", {"level": PROVINCE}, "organization", "Chưa chọn tổ chức hội"),
        ("admin", {"level": PROVINCE, "organization": "12"}, "subject", "do hội mình quản lý"),
        ("admin", {"level": OFFICE, "organization": "11"}, "organization", "Chỉ ghi tổ chức hội"),
    ],
)
def test_refused_records_change_nothing(iw, who, extra, field, message):
    before = written_state()
    group = extra.pop("group", None)
    with pytest.raises(DomainError) as refused:
        _group_check(iw, getattr(iw, who), group=_group(iw, group), **extra)
    assert refused.value.field == field
    assert message in str(refused.value)
    assert written_state() == before


def _group(iw, code):
    if code is None:
        return None
    from uythac.groups.models import SavingsGroup

    return SavingsGroup.objects.get(code=code)


def test_a_loan_outside_the_named_group_is_refused(iw):
    one = loan(iw, iw.household_a, iw.group_a, D(2026, 9, 20))
    before = written_state()
    with pytest.raises(DomainError, match="không thuộc tổ 0000003"):
        inspection_record(actor=iw.credit_officer, subject_kind="LOAN", subject=one.loan_number,
                          group=iw.group_b.code, level=OFFICE, inspected_on=D(2026, 10, 5),
                          reason="POST_DISBURSEMENT", inspector_name="CBTD")
    with pytest.raises(DomainError, match="ngày giải ngân"):
        inspection_record(actor=iw.credit_officer, subject_kind="LOAN", subject=one.loan_number, level=OFFICE,
                          inspected_on=D(2026, 9, 19), reason="POST_DISBURSEMENT", inspector_name="CBTD")
    assert written_state() == before


def test_a_credit_officer_reaches_only_the_communes_it_is_responsible_for(iw):
    other = loan(iw, iw.household_b, iw.group_b, D(2026, 9, 20))  # commune B: not the officer's
    with pytest.raises(DomainError, match="Không tìm thấy món vay"):
        inspection_record(actor=iw.credit_officer, subject_kind="LOAN", subject=other.loan_number, level=OFFICE,
                          inspected_on=D(2026, 10, 5), reason="POST_DISBURSEMENT", inspector_name="CBTD")
    done = inspection_record(actor=iw.pgd_staff, subject_kind="LOAN", subject=other.loan_number,
                             level="COMMUNE_COMMITTEE", inspected_on=D(2026, 10, 5), reason="OTHER",
                             inspector_name="UBND xã Ba Đình")
    assert (done.level, done.commune) == ("COMMUNE_COMMITTEE", iw.commune_b)


def test_a_province_association_inspects_a_commune_chapter_of_its_organization(iw):
    done = inspection_record(actor=iw.province_association, subject_kind="UNIT", subject=iw.unit_b["11"].code,
                             level=PROVINCE, inspected_on=D(2026, 6, 3), reason="OTHER",
                             inspector_name="Đoàn HND tỉnh")
    assert (done.organization.code, done.inspected_unit, done.commune, done.group) == (
        "11", iw.unit_b["11"], iw.commune_b, None)
    with pytest.raises(DomainError, match="Không tìm thấy đơn vị hội"):
        inspection_record(actor=iw.province_association, subject_kind="UNIT", subject=iw.unit_b["12"].code,
                          level=PROVINCE, inspected_on=D(2026, 6, 3), reason="OTHER", inspector_name="Đoàn")


def test_a_correction_within_the_allowed_days_is_audited(iw):
    inspection = _group_check(iw, iw.commune_association)
    corrected = inspection_correct(actor=iw.commune_association, inspection=inspection, note="Gõ nhầm ngày",
                                   inspected_on=D(2026, 9, 28), follow_up_required=True)
    assert (corrected.inspected_on, corrected.follow_up_required, corrected.correction_count) == (
        D(2026, 9, 28), True, 1)
    event = AuditEvent.objects.get(action="inspection.correct")
    assert (event.note, event.before["inspected_on"], event.after["inspected_on"]) == (
        "Gõ nhầm ngày", "2026-10-01", "2026-09-28")


def test_refused_corrections_change_nothing(iw):
    inspection = _group_check(iw, iw.commune_association)
    before = written_state()
    with pytest.raises(DomainError, match="đối tượng kiểm tra"):
        inspection_correct(actor=iw.commune_association, inspection=inspection, note="x", subject="0000003")
    with pytest.raises(DomainError, match="lý do sửa"):
        inspection_correct(actor=iw.commune_association, inspection=inspection, note=" ", follow_up_required=True)
    with pytest.raises(DomainError, match="không được sau ngày hôm nay"):
        inspection_correct(actor=iw.commune_association, inspection=inspection, note="x",
                           inspected_on=today() + dt.timedelta(days=2))
    assert written_state() == before
    # 31 days after the entry: too late for the association, still possible for the administrator.
    Inspection.objects.filter(pk=inspection.pk).update(entered_on=today() - dt.timedelta(days=31),
                                                       inspected_on=D(2026, 10, 1))
    before = written_state()
    with pytest.raises(DomainError, match="trong 30 ngày"):
        inspection_correct(actor=iw.commune_association, inspection=inspection, note="x", findings="Sửa")
    assert written_state() == before
    assert inspection_correct(actor=iw.admin, inspection=inspection, note="x", findings="Sửa").findings == "Sửa"


def test_a_viewer_cannot_correct(iw):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    inspection = _group_check(iw, iw.commune_association)
    with pytest.raises(PermissionDenied):
        inspection_correct(actor=iw.commune_viewer, inspection=inspection, note="x", findings="Sửa")
    with pytest.raises(Http404):
        inspection_correct(actor=iw.province_association.__class__.objects.get(username="hnd_tinh"),
                           inspection=Inspection(pk=inspection.pk + 1000), note="x", findings="Sửa")
