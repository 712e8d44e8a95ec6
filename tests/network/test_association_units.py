import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.households.support import forbidden, last_audit, refused
from uythac.core.audit import snapshot
from uythac.core.models import AuditEvent
from uythac.geography.models import LegacyDistrict, Province
from uythac.network.association_services import unit_create, unit_update
from uythac.network.models import AssociationUnit

pytestmark = pytest.mark.django_db


def commune_unit(**changes):
    values = {
        "code": "11-C-00008", "organization": "11", "level": "COMMUNE", "name": "Hội Nông dân phường Ngọc Hà",
        "commune": "00008", "parent": "11-P-01", "valid_from": dt.date(2025, 7, 1), "officer_name": "Lê Văn Bình",
        "officer_phone": "0912 345 678",
    }
    values.update(changes)
    return values


def district_unit(**changes):
    values = {
        "code": "11-H-001", "organization": "11", "level": "DISTRICT", "name": "Hội Nông dân quận Ba Đình",
        "legacy_district": "001", "parent": "11-P-01", "valid_from": dt.date(2010, 1, 1),
        "valid_to": dt.date(2025, 6, 30),
    }
    values.update(changes)
    return values


def test_branch_staff_creates_a_commune_unit(world):
    unit = unit_create(actor=world.branch_staff, **commune_unit())
    stored = AssociationUnit.objects.get(code="11-C-00008")
    assert stored.pk == unit.pk
    assert (stored.organization, stored.level, stored.province, stored.commune.code, stored.parent) == (
        world.orgs["11"], "COMMUNE", world.province, "00008", world.province_unit["11"]
    )
    assert (stored.officer_name, stored.officer_phone, stored.valid_from, stored.valid_to) == (
        "Lê Văn Bình", "0912345678", dt.date(2025, 7, 1), None
    )
    event = last_audit("unit_create")
    assert (event.actor, event.object_type, event.object_key, event.before, event.after) == (
        world.branch_staff, "associationunit", "11-C-00008", None, snapshot(stored)
    )


def test_province_officer_creates_units_of_its_own_organization_only(world):
    unit_create(actor=world.province_association, **commune_unit())
    assert AssociationUnit.objects.filter(code="11-C-00008").exists()
    with refused(
        "Bạn chỉ được quản lý đơn vị của tổ chức mình.", field="organization", models=[AssociationUnit]
    ):
        unit_create(actor=world.province_association, **commune_unit(code="12-C-00008", organization="12", parent=None))


def test_district_unit_is_history_until_30_06_2025(world):
    unit = unit_create(actor=world.branch_staff, **district_unit())
    assert (unit.province, unit.legacy_district.code, unit.commune) == (world.province, "001", None)
    for valid_to in (None, dt.date(2025, 7, 1)):
        with refused(
            "Cấp huyện đã bỏ từ 01/07/2025: đơn vị cấp huyện chỉ lưu lịch sử, ngày hết hiệu lực phải có và "
            "không sau 30/06/2025.",
            field="valid_to", models=[AssociationUnit],
        ):
            unit_create(actor=world.branch_staff, **district_unit(code="11-H-002", legacy_district="002",
                                                                   valid_to=valid_to))


def test_district_of_a_merged_province_needs_the_current_province(world):
    district = LegacyDistrict.objects.get(code="024")  # Hà Giang, merged into Tuyên Quang: no same-code successor
    assert district.province.successor_id is None
    values = district_unit(code="11-H-024", legacy_district="024", parent=None)
    with refused("Chưa chọn tỉnh hiện nay của huyện cũ.", field="province", models=[AssociationUnit]):
        unit_create(actor=world.admin, **values)
    unit = unit_create(actor=world.admin, **{**values, "province": "08"})
    assert unit.province == Province.objects.get(code="08")


@pytest.mark.parametrize(
    "values, field, message",
    [
        (commune_unit(code=" "), "code", "Chưa nhập mã đơn vị."),
        (commune_unit(code="11-C-00070"), "code", "Mã đơn vị 11-C-00070 đã tồn tại."),
        (commune_unit(organization="15"), "organization", "Không có tổ chức mã 15."),
        (commune_unit(level="VILLAGE"), "level", "Cấp đơn vị không hợp lệ."),
        (commune_unit(name=""), "name", "Chưa nhập tên đơn vị."),
        (commune_unit(commune=None), "commune", "Đơn vị cấp xã phải gắn với một xã."),
        (commune_unit(legacy_district="001"), "legacy_district",
         "Chỉ đơn vị cấp huyện (trước 01/07/2025) mới gắn với huyện cũ."),
        (commune_unit(province="79"), "province", "Phường Ngọc Hà không thuộc tỉnh đã chọn."),
        (commune_unit(commune="26734"), "commune", "Xã 26734 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        (commune_unit(level="PROVINCE", code="11-P-X"), "commune", "Chỉ đơn vị cấp xã mới gắn với một xã."),
        (commune_unit(level="PROVINCE", code="11-P-X", commune=None, province=None), "province",
         "Đơn vị cấp tỉnh phải gắn với một tỉnh."),
        (commune_unit(level="PROVINCE", code="11-P-X", commune=None, province="79", parent=None), "province",
         "Tỉnh 79 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        (commune_unit(level="CENTRAL"), "level", "Chỉ quản trị hệ thống được tạo đơn vị cấp trung ương."),
        (commune_unit(officer_phone="12345"), "officer_phone",
         "Số điện thoại 12345 không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)."),
        (commune_unit(valid_to=dt.date(2025, 6, 1)), "valid_to",
         "Ngày hết hiệu lực (01/06/2025) không được trước ngày hiệu lực (01/07/2025)."),
        (commune_unit(parent="12-P-01"), "parent", "Đơn vị cấp trên phải thuộc cùng tổ chức (Hội Nông dân Việt Nam)."),
        (commune_unit(parent="11-C-00070"), "parent",
         "Đơn vị cấp trên của đơn vị cấp xã phải là đơn vị cấp tỉnh."),
        (commune_unit(parent="11-C-NONE"), "parent",
         "Đơn vị cấp trên 11-C-NONE không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
        (district_unit(legacy_district="999"), "legacy_district", "Không có huyện cũ mã 999."),
        (district_unit(legacy_district=None), "legacy_district", "Đơn vị cấp huyện phải gắn với một huyện cũ."),
        (district_unit(province="79"), "province", "Tỉnh 79 không tồn tại hoặc không thuộc phạm vi quản lý của bạn."),
    ],
)
def test_invalid_unit_is_refused(world, values, field, message):
    with refused(message, field=field, models=[AssociationUnit]):
        unit_create(actor=world.branch_staff, **values)


def test_one_current_unit_per_organization_and_place(world):
    message = "Hội Nông dân Việt Nam đã có đơn vị cấp xã đang hoạt động ở đây: 11-C-00070 (HND 11-C-00070)."
    with refused(message, field="commune", models=[AssociationUnit]):
        unit_create(actor=world.branch_staff, **commune_unit(code="11-C-00070B", commune="00070"))
    with refused(
        "Hội Nông dân Việt Nam đã có đơn vị cấp tỉnh đang hoạt động ở đây: 11-P-01 (HND 11-P-01).",
        field="province", models=[AssociationUnit],
    ):
        unit_create(
            actor=world.branch_staff,
            **commune_unit(code="11-P-01B", level="PROVINCE", commune=None, province="01", parent=None),
        )
    # A closed (historical) unit does not count, and closing the current one makes room for a successor.
    unit_create(
        actor=world.branch_staff,
        **commune_unit(code="11-C-00070-OLD", commune="00070", valid_from=dt.date(2025, 7, 1),
                       valid_to=dt.date(2025, 12, 31)),
    )
    unit_update(actor=world.branch_staff, unit=world.unit_b["11"], valid_to=dt.date(2026, 1, 31))
    unit_create(actor=world.branch_staff, **commune_unit(code="11-C-00004B", commune="00004"))


def test_central_unit_and_parent_levels(world):
    central = unit_create(actor=world.admin, code="11-TW", organization="11", level="CENTRAL", name="TW Hội ND")
    with refused(
        "Đơn vị cấp trung ương không gắn với tỉnh, huyện hay xã.", field="province", models=[AssociationUnit]
    ):
        unit_create(actor=world.admin, code="12-TW", organization="12", level="CENTRAL", name="TW", province="01")
    with refused(
        "Đơn vị cấp trên của đơn vị cấp tỉnh phải là đơn vị trung ương.", field="parent", models=[AssociationUnit]
    ):
        unit_create(actor=world.admin, code="11-P-04", organization="11", level="PROVINCE", name="HND Cao Bằng",
                    province="04", parent="11-C-00070")
    unit = unit_create(actor=world.admin, code="11-P-04", organization="11", level="PROVINCE", name="HND Cao Bằng",
                       province="04", parent=central)
    assert unit.parent == central
    with refused(
        "Đơn vị cấp trung ương không có đơn vị cấp trên.", field="parent", models=[AssociationUnit]
    ):
        unit_create(actor=world.admin, code="12-TW", organization="12", level="CENTRAL", name="TW", parent=central)


@pytest.mark.parametrize(
    "persona", ["pgd_staff", "credit_officer", "commune_association", "group_leader", "commune_viewer"]
)
def test_other_personas_do_not_write_units(world, persona):
    with forbidden(PermissionDenied, models=[AssociationUnit]):
        unit_create(actor=getattr(world, persona), **commune_unit())


def test_unit_update_and_audit(world):
    unit = world.unit_a["11"]
    before = snapshot(unit)
    unit_update(actor=world.province_association, unit=unit, officer_name="Phạm Thị Hoa", parent="11-P-01")
    stored = AssociationUnit.objects.get(pk=unit.pk)
    assert (stored.officer_name, stored.parent) == ("Phạm Thị Hoa", world.province_unit["11"])
    event = last_audit("unit_update")
    assert (event.actor, event.before, event.after) == (world.province_association, before, snapshot(stored))


def test_unit_update_refusals(world):
    unit = world.unit_a["11"]
    with refused("Không thể đổi cấp của đơn vị; hãy tạo đơn vị mới.", field="level", objects=[unit]):
        unit_update(actor=world.branch_staff, unit=unit, level="PROVINCE")
    with refused("Không thể đổi tổ chức của đơn vị; hãy tạo đơn vị mới.", field="organization", objects=[unit]):
        unit_update(actor=world.branch_staff, unit=unit, organization="12")
    with refused(
        "Không thể đổi xã của đơn vị vì đơn vị còn quản lý tổ TK&VV.", field="commune", objects=[unit]
    ):
        unit_update(actor=world.branch_staff, unit=unit, commune="00008")
    with refused("Đơn vị không thể là cấp trên của chính nó.", field="parent", objects=[world.province_unit["11"]]):
        unit_update(actor=world.admin, unit=world.province_unit["11"], parent="11-P-01")
    with forbidden(Http404, objects=[world.unit_a["12"]]):
        unit_update(actor=world.province_association, unit=world.unit_a["12"], name="X")
    with forbidden(PermissionDenied, objects=[unit]):
        unit_update(actor=world.commune_association, unit=unit, name="X")
    unit_update(actor=world.branch_staff, unit=unit, name=unit.name)
    assert not AuditEvent.objects.exists()
