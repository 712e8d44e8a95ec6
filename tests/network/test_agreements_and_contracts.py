import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.guards import today
from uythac.network.association_services import (
    entrustment_contract_create,
    entrustment_contract_update,
    joint_agreement_create,
    joint_agreement_update,
    unit_create,
)
from uythac.network.models import EntrustmentContract, JointAgreement

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "signed_on": dt.date(2025, 8, 1),
    "effective_from": dt.date(2025, 8, 1),
    "effective_to": dt.date(2030, 7, 31),
    "bank_signatory": "Nguyễn Văn Giám Đốc",
    "association_signatory": "Trần Thị Chủ Tịch",
}


def agreement(**changes):
    values = {"number": "05/VBLT-NHCS-HND", "branch": "000100", "association_unit": "11-P-01", **DOCUMENT}
    values.update(changes)
    return values


def contract(**changes):
    values = {"number": "01/HĐUT", "office": "000101", "association_unit": "11-C-00070", **DOCUMENT}
    values.update(changes)
    return values


# --- joint agreements ---------------------------------------------------------------------------------------

def test_branch_staff_records_a_joint_agreement(world):
    saved = joint_agreement_create(actor=world.branch_staff, **agreement(note="  Thay thế văn bản 2014 "))
    stored = JointAgreement.objects.get(number="05/VBLT-NHCS-HND")
    assert stored.pk == saved.pk
    assert (stored.branch, stored.association_unit, stored.status, stored.note) == (
        world.branch, world.province_unit["11"], "ACTIVE", "Thay thế văn bản 2014"
    )
    event = last_audit("joint_agreement_create")
    assert (event.actor, event.object_type, event.object_key, event.before, event.after) == (
        world.branch_staff, "jointagreement", str(stored.pk), None, snapshot(stored)
    )


def test_province_association_records_its_agreement_without_browsing_branches(world):
    saved = joint_agreement_create(actor=world.province_association, **agreement())
    assert saved.branch == world.branch
    with refused(
        "Chi nhánh 007900 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="branch",
        models=[JointAgreement],
    ):
        joint_agreement_create(actor=world.province_association, **agreement(number="06", branch="007900"))
    with refused(
        "Đơn vị hội 12-P-01 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="association_unit",
        models=[JointAgreement],
    ):
        joint_agreement_create(actor=world.province_association, **agreement(number="06", association_unit="12-P-01"))


def test_agreement_with_a_historical_district_unit(world):
    unit_create(
        actor=world.branch_staff, code="11-H-001", organization="11", level="DISTRICT", name="HND quận Ba Đình",
        legacy_district="001", valid_to=dt.date(2025, 6, 30),
    )
    saved = joint_agreement_create(
        actor=world.branch_staff,
        **agreement(number="12/VBLT", association_unit="11-H-001", signed_on=dt.date(2015, 1, 5),
                    effective_from=dt.date(2015, 1, 5), effective_to=dt.date(2025, 6, 30), status="EXPIRED"),
    )
    assert saved.association_unit.level == "DISTRICT"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"number": " "}, "number", "Chưa nhập số văn bản."),
        ({"association_unit": None}, "association_unit", "Chưa chọn đơn vị hội."),
        ({"association_unit": "11-C-00070"}, "association_unit",
         "Văn bản liên tịch được ký với đơn vị hội cấp tỉnh (hoặc cấp huyện trước 01/07/2025)."),
        ({"branch": ""}, "branch", "Chưa chọn chi nhánh."),
        ({"branch": "007900"}, "branch", "Chi nhánh TP Hồ Chí Minh không phải chi nhánh của tỉnh nơi có HND 11-P-01."),
        ({"branch": "000001"}, "branch",
         "Ngân hàng Chính sách xã hội — Hội sở chính không phải chi nhánh của tỉnh nơi có HND 11-P-01."),
        ({"effective_from": dt.date(2025, 7, 31)}, "effective_from",
         "Ngày hiệu lực (31/07/2025) không được trước ngày ký (01/08/2025)."),
        ({"effective_to": dt.date(2025, 7, 31)}, "effective_to",
         "Ngày hết hiệu lực (31/07/2025) không được trước ngày hiệu lực (01/08/2025)."),
        ({"status": "EXPIRED"}, "effective_to", "Văn bản hết hiệu lực phải có ngày hết hiệu lực không sau hôm nay."),
        ({"status": "BOGUS"}, "status", "Trạng thái không hợp lệ."),
        ({"signed_on": None}, "signed_on", "Chưa nhập ngày ký."),
        ({"bank_signatory": ""}, "bank_signatory", "Chưa nhập người ký phía NHCSXH."),
        ({"association_signatory": "  "}, "association_signatory", "Chưa nhập người ký phía hội."),
    ],
)
def test_invalid_agreement_is_refused(world, changes, field, message):
    with refused(message, field=field, models=[JointAgreement]):
        joint_agreement_create(actor=world.admin, **agreement(**changes))


def test_signing_date_in_the_future_only_for_drafts(world):
    tomorrow = today() + dt.timedelta(days=1)
    dates = {"signed_on": tomorrow, "effective_from": tomorrow, "effective_to": None}
    with refused(
        f"Ngày ký ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.", field="signed_on", models=[JointAgreement]
    ):
        joint_agreement_create(actor=world.branch_staff, **agreement(**dates))
    draft = joint_agreement_create(actor=world.branch_staff, **agreement(status="DRAFT", **dates))
    assert draft.status == "DRAFT"


def test_agreement_number_is_unique_per_branch(world):
    joint_agreement_create(actor=world.branch_staff, **agreement())
    with refused("Chi nhánh đã có văn bản số 05/vblt-nhcs-hnd.", field="number", models=[JointAgreement]):
        joint_agreement_create(
            actor=world.branch_staff, **agreement(number="05/vblt-nhcs-hnd", association_unit="12-P-01")
        )


@pytest.mark.parametrize("persona", ["pgd_staff", "credit_officer", "commune_association", "commune_viewer"])
def test_other_personas_do_not_write_agreements(world, persona):
    with forbidden(PermissionDenied, models=[JointAgreement]):
        joint_agreement_create(actor=getattr(world, persona), **agreement())


def test_agreement_update(world):
    saved = joint_agreement_create(actor=world.branch_staff, **agreement())
    before = snapshot(saved)
    joint_agreement_update(
        actor=world.province_association, agreement=saved, status="TERMINATED", effective_to=dt.date(2026, 1, 31)
    )
    stored = JointAgreement.objects.get(pk=saved.pk)
    assert (stored.status, stored.effective_to) == ("TERMINATED", dt.date(2026, 1, 31))
    event = last_audit("joint_agreement_update")
    assert (event.before, event.after) == (before, snapshot(stored))
    other = joint_agreement_create(actor=world.branch_staff, **agreement(number="07", association_unit="12-P-01"))
    with refused("Chi nhánh đã có văn bản số 05/VBLT-NHCS-HND.", field="number", objects=[other]):
        joint_agreement_update(actor=world.branch_staff, agreement=other, number="05/VBLT-NHCS-HND")
    with forbidden(Http404, objects=[other]):
        joint_agreement_update(actor=world.province_association, agreement=other, note="x")
    with forbidden(Http404, objects=[stored]):
        joint_agreement_update(actor=world.credit_officer, agreement=stored.pk, note="x")


# --- entrustment contracts -----------------------------------------------------------------------------------

def test_pgd_officer_records_an_entrustment_contract(world):
    saved = entrustment_contract_create(actor=world.pgd_staff, **contract())
    stored = EntrustmentContract.objects.get(number="01/HĐUT")
    assert stored.pk == saved.pk
    assert (stored.office, stored.association_unit, stored.bank_signatory) == (
        world.office, world.unit_a["11"], "Nguyễn Văn Giám Đốc"
    )
    event = last_audit("entrustment_contract_create")
    assert (event.actor, event.object_type, event.object_key, event.before, event.after) == (
        world.pgd_staff, "entrustmentcontract", str(stored.pk), None, snapshot(stored)
    )


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"office": None}, "office", "Chưa chọn PGD."),
        ({"office": "007901"}, "office", "PGD 007901 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"association_unit": "11-C-26734"}, "association_unit",
         "Đơn vị hội 11-C-26734 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        ({"effective_to": dt.date(2025, 1, 1)}, "effective_to",
         "Ngày hết hiệu lực (01/01/2025) không được trước ngày hiệu lực (01/08/2025)."),
        ({"association_signatory": ""}, "association_signatory", "Chưa nhập người ký phía hội."),
    ],
)
def test_invalid_contract_is_refused(world, changes, field, message):
    with refused(message, field=field, models=[EntrustmentContract]):
        entrustment_contract_create(actor=world.pgd_staff, **contract(**changes))


def test_contract_needs_a_commune_level_unit(world):
    # PGD officers do not even see province units; branch staff do, and are told why it is refused.
    with refused(
        "Đơn vị hội 11-P-01 không tồn tại hoặc không thuộc phạm vi quản lý của bạn.", field="association_unit",
        models=[EntrustmentContract],
    ):
        entrustment_contract_create(actor=world.pgd_staff, **contract(association_unit="11-P-01"))
    with refused(
        "Hợp đồng ủy thác được ký với đơn vị hội cấp xã.", field="association_unit", models=[EntrustmentContract]
    ):
        entrustment_contract_create(actor=world.branch_staff, **contract(association_unit="11-P-01"))


def test_office_must_serve_the_unit_commune(world):
    unit_code = world.unit_a["11"].code
    with refused(
        f"PGD Quận 1 không phục vụ Phường Hoàn Kiếm của HND {unit_code}.", field="office",
        models=[EntrustmentContract],
    ):
        entrustment_contract_create(actor=world.admin, **contract(office="007901"))


def test_credit_officer_only_for_responsible_communes(world):
    unit_code = world.unit_b["11"].code
    with refused(
        f"Đơn vị hội {unit_code} không tồn tại hoặc không thuộc phạm vi quản lý của bạn.",
        field="association_unit", models=[EntrustmentContract],
    ):
        entrustment_contract_create(actor=world.credit_officer, **contract(association_unit=unit_code))
    entrustment_contract_create(actor=world.credit_officer, **contract())


def test_contract_number_is_unique_per_office(world):
    entrustment_contract_create(actor=world.pgd_staff, **contract())
    with refused("PGD đã có hợp đồng số 01/HĐUT.", field="number", models=[EntrustmentContract]):
        entrustment_contract_create(actor=world.pgd_staff, **contract(association_unit="12-C-00070"))
    other = entrustment_contract_create(
        actor=world.admin, **contract(office="007901", association_unit=world.unit_c["11"].code)
    )
    assert other.number == "01/HĐUT"


@pytest.mark.parametrize(
    "persona", ["province_association", "commune_association", "group_leader", "commune_viewer"]
)
def test_association_and_read_only_personas_do_not_write_contracts(world, persona):
    with forbidden(PermissionDenied, models=[EntrustmentContract]):
        entrustment_contract_create(actor=getattr(world, persona), **contract())


def test_contract_update(world):
    saved = entrustment_contract_create(actor=world.pgd_staff, **contract())
    before = snapshot(saved)
    entrustment_contract_update(
        actor=world.credit_officer, contract=saved, association_signatory="Hoàng Văn Mới", note="Đổi chủ tịch hội"
    )
    stored = EntrustmentContract.objects.get(pk=saved.pk)
    assert (stored.association_signatory, stored.note) == ("Hoàng Văn Mới", "Đổi chủ tịch hội")
    event = last_audit("entrustment_contract_update")
    assert (event.actor, event.before, event.after) == (world.credit_officer, before, snapshot(stored))
    with refused(
        "Hợp đồng ủy thác được ký với đơn vị hội cấp xã.", field="association_unit", objects=[stored]
    ):
        entrustment_contract_update(actor=world.branch_staff, contract=stored, association_unit="11-P-01")
    with forbidden(PermissionDenied, objects=[stored]):
        entrustment_contract_update(actor=world.commune_association, contract=stored, note="x")
    with forbidden(TypeError, objects=[stored]):
        entrustment_contract_update(actor=world.pgd_staff, contract=stored, branch="000100")
