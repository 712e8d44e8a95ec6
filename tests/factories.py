"""Test data: a small, hand-made world with one object of each kind inside and outside every persona's scope.

Province 01 (Hà Nội): communes A and B served by PGD 000101, each with a transaction point, the four commune
association units, a village, groups and households. Province 79 (TP Hồ Chí Minh): commune C with its own PGD,
unit, group and household — outside the scope of every persona except the administrator.
"""

import datetime as dt
import importlib
import itertools
from types import SimpleNamespace

from uythac.accounts.models import Role, User
from uythac.geography.models import Commune, Province, Village
from uythac.groups.models import GroupBoardTerm, GroupMembership, SavingsGroup
from uythac.households.models import Household
from uythac.network.models import (
    AssociationUnit,
    Branch,
    EntrustmentContract,
    JointAgreement,
    Organization,
    TransactionOffice,
    TransactionPoint,
)

PASSWORD = "mat-khau-thu-nghiem-1"
_customer_numbers = itertools.count(1)

# Valid CCCD for tests: Hà Nội birth code 001, male 1900s (0), born 1980.
def cccd_for(serial: int, *, province: str = "001", century_gender: str = "0", year: int = 80) -> str:
    return f"{province}{century_gender}{year:02d}{serial:06d}"


def make_household(commune, village, name, *, gender="M", birth=dt.date(1980, 5, 1), **extra) -> Household:
    serial = next(_customer_numbers)
    fields = {
        "customer_code": f"{serial:010d}",
        "name": name,
        "gender": gender,
        "birth_date": birth,
        "commune": commune,
        "village": village,
        "phone": "",
    }
    fields.update(extra)
    household = Household(**fields)
    household.save()
    return household


def make_group(code, name, commune, village, unit, point, *, members=0, joined=dt.date(2020, 1, 1)) -> SavingsGroup:
    group = SavingsGroup(
        code=code, name=name, commune=commune, association_unit=unit, transaction_point=point,
        established_on=dt.date(2015, 3, 1),
    )
    group.save()
    group.villages.add(village)
    households = [
        make_household(commune, village, f"Thành viên {code}-{i:02d}", gender="F" if i % 2 else "M")
        for i in range(1, members + 1)
    ]
    for household in households:
        GroupMembership.objects.create(group=group, household=household, joined_on=joined)
    if len(households) >= 2:
        GroupBoardTerm.objects.create(group=group, leader=households[0], deputy=households[1], started_on=joined)
    group.test_members = households
    return group


def make_user(username, role, **scope) -> User:
    communes = scope.pop("responsible_communes", [])
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)
    if communes:
        user.responsible_communes.set(communes)
    return user


REFERENCE_DATA_MIGRATIONS = [
    "uythac.core.migrations.0002_rule_values",
    "uythac.geography.migrations.0002_load_divisions",
    "uythac.network.migrations.0002_reference_data",
    "uythac.programs.migrations.0002_reference_data",
    "uythac.ledger.migrations.0002_chart_of_accounts",
    "uythac.savings.migrations.0002_rule_values",
    "uythac.loans.migrations.0002_rule_values",
    "uythac.loans.migrations.0006_rule_values_lifecycle_gaps",
    "uythac.transaction_sessions.migrations.0003_rule_batch_check",
    "uythac.closing.migrations.0002_rule_values",
    "uythac.inspections.migrations.0002_rule_values",
    "uythac.scoring.migrations.0002_provisional_rubrics:seed",
    "uythac.fees.migrations.0002_provisional_schedules",
]


def reload_reference_data() -> None:
    """Re-run the data migrations (geography, organizations, rule values) after a transactional flush."""
    if Province.objects.exists():
        return
    from django.apps import apps

    for entry in REFERENCE_DATA_MIGRATIONS:
        module, _colon, function = entry.partition(":")
        getattr(importlib.import_module(module), function or "load")(apps, None)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.province = Province.objects.get(code="01")
    w.other_province = Province.objects.get(code="79")
    w.commune_a = Commune.objects.get(code="00070")  # Phường Hoàn Kiếm
    w.commune_b = Commune.objects.get(code="00004")  # Phường Ba Đình
    w.commune_c = Commune.objects.filter(province=w.other_province).order_by("code").first()
    w.orgs = {o.code: o for o in Organization.objects.all()}

    w.branch = Branch.objects.create(code="000100", name="Chi nhánh Hà Nội", province=w.province)
    w.other_branch = Branch.objects.create(code="007900", name="Chi nhánh TP Hồ Chí Minh", province=w.other_province)
    w.office = TransactionOffice.objects.create(code="000101", name="PGD Hoàn Kiếm", branch=w.branch)
    w.office.communes.set([w.commune_a, w.commune_b])
    w.other_office = TransactionOffice.objects.create(code="007901", name="PGD Quận 1", branch=w.other_branch)
    w.other_office.communes.set([w.commune_c])

    w.point_a = TransactionPoint.objects.create(
        code="TXN0001", name="Điểm GD Hoàn Kiếm", commune=w.commune_a, office=w.office, session_day_of_month=12
    )
    w.point_b = TransactionPoint.objects.create(
        code="TXN0002", name="Điểm GD Ba Đình", commune=w.commune_b, office=w.office, session_day_of_month=15
    )
    w.point_c = TransactionPoint.objects.create(
        code="TXN0079", name="Điểm GD Quận 1", commune=w.commune_c, office=w.other_office, session_day_of_month=5
    )
    w.village_a = Village.objects.create(code="00070001", name="Tổ dân phố số 1", kind="TDP", commune=w.commune_a)
    w.village_b = Village.objects.create(code="00004001", name="Tổ dân phố số 7", kind="TDP", commune=w.commune_b)
    w.village_c = Village.objects.create(code="99999001", name="Khu phố 3", kind="KHOM", commune=w.commune_c)

    def unit(org, level, **places):
        code = f"{org}-{level[0]}-{places.get('commune').code if places.get('commune') else places['province'].code}"
        return AssociationUnit.objects.create(
            code=code, organization=w.orgs[org], level=level, name=f"{w.orgs[org].short_name} {code}", **places
        )

    w.province_unit = {org: unit(org, "PROVINCE", province=w.province) for org in w.orgs}
    w.unit_a = {org: unit(org, "COMMUNE", province=w.province, commune=w.commune_a) for org in w.orgs}
    w.unit_b = {org: unit(org, "COMMUNE", province=w.province, commune=w.commune_b) for org in w.orgs}
    w.unit_c = {org: unit(org, "COMMUNE", province=w.other_province, commune=w.commune_c) for org in w.orgs}

    w.group_a = make_group("0000001", "Tổ HND thôn 1", w.commune_a, w.village_a, w.unit_a["11"], w.point_a, members=6)
    w.group_a_women = make_group(
        "0000002", "Tổ HPN thôn 1", w.commune_a, w.village_a, w.unit_a["12"], w.point_a, members=5
    )
    w.group_b = make_group("0000003", "Tổ HND Ba Đình", w.commune_b, w.village_b, w.unit_b["11"], w.point_b, members=5)
    w.group_c = make_group("0000079", "Tổ HND Quận 1", w.commune_c, w.village_c, w.unit_c["11"], w.point_c, members=5)
    w.household_a = w.group_a.test_members[2]
    w.household_b = w.group_b.test_members[2]
    w.household_c = w.group_c.test_members[2]
    w.household_a_women = w.group_a_women.test_members[2]

    w.agreement = JointAgreement.objects.create(
        number="01/VBLT-HN", branch=w.branch, association_unit=w.province_unit["11"], signed_on=dt.date(2021, 3, 1),
        effective_from=dt.date(2021, 3, 1), bank_signatory="Nguyễn Văn Giám", association_signatory="Trần Thị Hội",
    )
    w.other_agreement = JointAgreement.objects.create(
        number="05/VBLT-HCM", branch=w.other_branch,
        association_unit=AssociationUnit.objects.create(
            code="11-P-79", organization=w.orgs["11"], level="PROVINCE", name="HND TP HCM", province=w.other_province
        ),
        signed_on=dt.date(2021, 4, 1), effective_from=dt.date(2021, 4, 1), bank_signatory="Lê Văn A",
        association_signatory="Phạm Thị B",
    )
    w.contract_a = EntrustmentContract.objects.create(
        number="12/HĐUT", office=w.office, association_unit=w.unit_a["11"], signed_on=dt.date(2022, 1, 5),
        effective_from=dt.date(2022, 1, 5), bank_signatory="Nguyễn Văn Giám", association_signatory="Đỗ Văn Xã",
    )
    w.other_contract = EntrustmentContract.objects.create(
        number="99/HĐUT", office=w.other_office, association_unit=w.unit_c["11"], signed_on=dt.date(2022, 2, 5),
        effective_from=dt.date(2022, 2, 5), bank_signatory="Lê Văn A", association_signatory="Võ Văn C",
    )

    w.admin = make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)
    w.branch_staff = make_user("cn_hanoi", Role.BRANCH_STAFF, province=w.province)
    w.pgd_staff = make_user("pgd_hoankiem", Role.PGD_STAFF, office=w.office)
    w.credit_officer = make_user("cbtd_a", Role.CREDIT_OFFICER, office=w.office, responsible_communes=[w.commune_a])
    w.province_association = make_user(
        "hnd_tinh", Role.PROVINCE_ASSOCIATION, province=w.province, organization=w.orgs["11"]
    )
    w.commune_association = make_user(
        "hnd_xa_a", Role.COMMUNE_ASSOCIATION, commune=w.commune_a, organization=w.orgs["11"]
    )
    w.group_leader = make_user("totruong_a", Role.GROUP_LEADER, group=w.group_a)
    w.commune_viewer = make_user("ubnd_a", Role.COMMUNE_VIEWER, commune=w.commune_a)
    w.personas = [
        w.admin, w.branch_staff, w.pgd_staff, w.credit_officer, w.province_association, w.commune_association,
        w.group_leader, w.commune_viewer,
    ]
    return w


def out_of_scope_training(world):
    """A training of unit 11 of commune C (province 79): the object the permission matrix uses for ``trainings/``."""
    from uythac.scoring.models import TrainingRecord

    found = TrainingRecord.objects.filter(association_unit=world.unit_c["11"]).first()
    return found or TrainingRecord.objects.create(association_unit=world.unit_c["11"], held_on=dt.date(2025, 3, 1),
                                                  topic="Tập huấn nghiệp vụ", attendees=2, recorded_by=world.admin)
