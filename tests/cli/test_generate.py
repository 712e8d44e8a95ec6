import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict

import pytest
from django.db.models import Count
from django.utils import timezone

from tests.cli.commands import run_command
from uythac.accounts.models import User
from uythac.core.identifiers import check_cccd, check_cmnd, check_transaction_point_code, normalize_phone
from uythac.core.models import AuditEvent
from uythac.core.rules import rule_value
from uythac.geography.models import Province, Village
from uythac.groups.models import AgencyContract, GroupBoardTerm, GroupMeeting, GroupMembership, SavingsGroup
from uythac.households.ethnicities import ETHNIC_GROUPS
from uythac.households.models import Household, Kinship, PovertyStatusRecord
from uythac.network.models import (
    AssociationUnit,
    Branch,
    EntrustmentContract,
    JointAgreement,
    TransactionOffice,
    TransactionPoint,
)
from uythac.synthetic.profiles import PROFILES

DEMO = PROFILES["demo"]


def generate(*args: str) -> dict:
    code, out, err = run_command("generate", *args)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def demo_digest() -> str:
    rows = Household.objects.filter(commune__province__code=DEMO.province_code).order_by("customer_code")
    text = "\n".join(f"{h.customer_code}|{h.name}|{h.national_id}|{h.birth_date}" for h in rows)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.django_db
def test_demo_is_deterministic_for_a_seed_and_changes_with_it():
    first = generate("--profile", "demo", "--seed", "7")
    digest = demo_digest()
    again = generate("--profile", "demo", "--seed", "7", "--reset")
    assert demo_digest() == digest
    assert again["counts"] == first["counts"] and again["by_organization"] == first["by_organization"]
    assert again["deleted"]["households"] == 4000
    generate("--profile", "demo", "--seed", "8", "--reset")
    assert demo_digest() != digest
    assert Household.objects.filter(commune__province__code="15").count() == 4000


@pytest.fixture
def demo(db):
    summary = generate("--profile", "demo")
    summary["province"] = Province.objects.get(code=DEMO.province_code)
    return summary


def current_members(province) -> dict[int, set[int]]:
    members = defaultdict(set)
    for group_id, household_id in GroupMembership.objects.filter(
        group__commune__province=province, left_on__isnull=True
    ).values_list("group_id", "household_id"):
        members[group_id].add(household_id)
    return members


def test_demo_summary_has_the_profile_totals(demo):
    assert demo["profile"] == "demo"
    assert demo["seed"] == 1
    assert demo["as_of"] == timezone.localdate().isoformat()
    assert demo["communes"] == 13
    assert demo["legacy_districts"] == ["084", "086", "088"]
    counts = demo["counts"]
    assert (counts["groups"], counts["households"], counts["memberships"], counts["poverty_records"]) == (
        150, 4000, 4000, 4000,
    )
    assert (counts["branches"], counts["transaction_offices"], counts["board_terms"]) == (1, 3, 150)
    for org, target in DEMO.targets.items():
        by_org = demo["by_organization"][org]
        assert (by_org["groups"], by_org["borrowing_households"], by_org["small_groups"]) == (
            target.groups, target.borrowing_households, target.small_groups,
        )
    assert isinstance(demo["seconds"], float)
    event = AuditEvent.objects.get(action="generate")
    assert (event.actor_label, event.object_type, event.object_key) == ("generate", "province", "15")
    assert event.after["counts"] == counts


def test_demo_groups_respect_size_and_board_rules(demo):
    province = demo["province"]
    size = rule_value("group.size", on=timezone.localdate())
    forbidden = rule_value("group.board.forbidden_kinship", on=timezone.localdate())
    members = current_members(province)
    groups = SavingsGroup.objects.filter(commune__province=province)
    assert groups.count() == 150 == len(members)
    assert all(size["min"] <= len(ids) <= size["max"] for ids in members.values())
    by_org = Counter()
    small = Counter()
    for group in groups.select_related("association_unit__organization"):
        org = group.association_unit.organization.code
        by_org[org] += len(members[group.id])
        small[org] += len(members[group.id]) < 20
    assert by_org == {org: target.borrowing_households for org, target in DEMO.targets.items()}
    assert small == {org: target.small_groups for org, target in DEMO.targets.items()}

    kin = {(k.person_id, k.relative_id): k.kind for k in Kinship.objects.filter(person__commune__province=province)}
    assert len(kin) == demo["counts"]["kinships"] > 0
    boards = GroupBoardTerm.objects.filter(group__commune__province=province, ended_on__isnull=True)
    assert boards.count() == 150
    for board in boards:
        assert {board.leader_id, board.deputy_id} <= members[board.group_id]
        assert board.leader_id != board.deputy_id
        assert (board.leader_id, board.deputy_id) not in kin and (board.deputy_id, board.leader_id) not in kin
        assert not forbidden or kin.get((board.leader_id, board.deputy_id)) not in forbidden
    contracts = AgencyContract.objects.filter(group__commune__province=province)
    assert contracts.count() == 150
    leaders = dict(boards.values_list("group_id", "leader_id"))
    assert all(contract.leader_id == leaders[contract.group_id] for contract in contracts)
    women = GroupBoardTerm.objects.filter(
        group__commune__province=province, group__association_unit__organization__code="12"
    )
    assert set(women.values_list("leader__gender", flat=True)) == {"F"}


def test_demo_households_have_valid_identities(demo):
    province = demo["province"]
    as_of = timezone.localdate()
    households = list(Household.objects.filter(commune__province=province))
    assert len(households) == 4000
    with_cccd = [h for h in households if h.national_id]
    assert len({h.national_id for h in with_cccd}) == len(with_cccd) > 3900
    for household in with_cccd:
        female = household.gender == "F"
        assert check_cccd(household.national_id, birth_date=household.birth_date, female=female) is None
        assert household.national_id_issued_on <= as_of
        assert household.national_id_expires_on is None or household.national_id_expires_on > (
            household.national_id_issued_on
        )
    legacy = [h for h in households if not h.national_id]
    assert legacy and all(check_cmnd(h.legacy_id_number) is None for h in legacy)
    assert demo["counts"]["legacy_id_only_households"] == len(legacy)
    phones = [h.phone for h in households if h.phone]
    assert len(phones) > 3000
    assert all(normalize_phone(phone) == phone and phone[:2] in {"03", "05", "07", "08", "09"} for phone in phones)
    assert {h.ethnicity for h in households} <= set(ETHNIC_GROUPS)
    assert {h.ethnicity for h in households} >= {"Kinh", "Mông", "Dao"}
    assert all(len(h.customer_code) == 10 and h.customer_code.isdigit() for h in households)
    assert all(18 <= (as_of - h.birth_date).days // 365 <= 90 for h in households)
    for household in households:
        words = household.name.split()
        assert len(words) >= 3
        if household.gender == "F":
            assert words[1] != "Văn"
        else:
            assert words[1] != "Thị"
    moved = [h for h in households if h.moved_away_on]
    assert len(moved) == demo["counts"]["moved_away_households"] > 0
    assert all(h.moved_away_on <= as_of and h.moved_away_note for h in moved)
    records = PovertyStatusRecord.objects.filter(household__commune__province=province)
    assert records.count() == 4000
    assert set(records.values_list("year", flat=True)) == {as_of.year}
    assert all(str(as_of.year) in source for source in records.values_list("source_list", flat=True).distinct())


def test_demo_places_are_consistent(demo):
    province = demo["province"]
    villages = Village.objects.filter(commune__province=province).select_related("commune")
    assert villages.count() == demo["counts"]["villages"]
    assert all(len(v.code) == 8 and v.code.startswith(v.commune.code) for v in villages)
    assert set(villages.values_list("kind", flat=True)) >= {"BAN", "THON", "TDP"}
    groups = SavingsGroup.objects.filter(commune__province=province).select_related(
        "association_unit", "transaction_point__office"
    ).prefetch_related("villages")
    for group in groups:
        assert len(group.code) == 7 and group.code.startswith("15")
        assert group.association_unit.level == "COMMUNE"
        assert group.association_unit.commune_id == group.commune_id
        assert group.transaction_point.commune_id == group.commune_id
        assert group.transaction_point.office.communes.filter(id=group.commune_id).exists()
        assert [v.commune_id for v in group.villages.all()] == [group.commune_id]
    group_villages = defaultdict(set)
    links = SavingsGroup.villages.through.objects.filter(savingsgroup__commune__province=province)
    for group_id, village_id in links.values_list("savingsgroup_id", "village_id"):
        group_villages[group_id].add(village_id)
    memberships = GroupMembership.objects.filter(group__commune__province=province)
    for group_id, village_id in memberships.values_list("group_id", "household__village_id"):
        assert village_id in group_villages[group_id]
    points = TransactionPoint.objects.filter(commune__province=province)
    assert all(check_transaction_point_code(p.code) is None and 1 <= p.session_day_of_month <= 28 for p in points)
    for office in TransactionOffice.objects.filter(branch__province=province):
        days = list(points.filter(office=office).values_list("session_day_of_month", flat=True))
        assert len(days) == len(set(days))
    assert Branch.objects.get(province=province).code == "001500"
    units = AssociationUnit.objects.filter(province=province)
    assert Counter(units.values_list("level", flat=True)) == {"PROVINCE": 4, "DISTRICT": 12, "COMMUNE": 52}
    assert set(units.filter(level="DISTRICT").values_list("valid_to", flat=True)) == {dt.date(2025, 6, 30)}
    assert set(units.filter(level="DISTRICT").values_list("legacy_district__code", flat=True)) == {"084", "086", "088"}
    agreements = JointAgreement.objects.filter(branch__province=province)
    assert agreements.filter(association_unit__level="PROVINCE", status="ACTIVE").count() == 4
    assert agreements.filter(association_unit__level="DISTRICT", status="EXPIRED").count() == 12
    with_groups = units.filter(level="COMMUNE").annotate(n=Count("savings_groups")).filter(n__gt=0)
    assert EntrustmentContract.objects.filter(office__branch__province=province).count() == with_groups.count()
    meetings = GroupMeeting.objects.filter(group__commune__province=province)
    per_group = Counter(meetings.values_list("group_id", flat=True))
    assert len(per_group) == 150 and all(3 <= n <= 4 for n in per_group.values())
    assert not meetings.filter(held_on__gt=timezone.localdate()).exists()


@pytest.mark.django_db
def test_existing_generated_data_needs_reset():
    generate("--profile", "demo")
    before = (Household.objects.count(), AuditEvent.objects.count())
    code, out, err = run_command("generate", "--profile", "demo", "--seed", "2")
    assert (code, out) == (2, "")
    assert err == (
        "Tỉnh Lào Cai đã có dữ liệu do lệnh generate tạo (hồ sơ demo, seed 1). "
        "Thêm --reset để xóa dữ liệu đó và tạo lại.\n"
    )
    assert (Household.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_reset_removes_accounts_scoped_in_the_generated_province():
    generate("--profile", "demo")
    run_command("createuser", "--username", "ubnd_x", "--password", "mat-khau-moi-2026", "--role", "commune_viewer",
                "--scope", "03037")
    assert User.objects.filter(username="ubnd_x").exists()
    summary = generate("--profile", "demo", "--reset")
    assert summary["deleted"]["users"] == 1
    assert not User.objects.filter(username="ubnd_x").exists()
    assert summary["deleted"]["groups"] == 150
    assert SavingsGroup.objects.filter(commune__province__code="15").count() == 150
    assert AuditEvent.objects.filter(action="generate").count() == 2


@pytest.mark.django_db
def test_data_not_made_by_generate_is_never_overwritten():
    province = Province.objects.get(code="15")
    Branch.objects.create(code="001599", name="Chi nhánh Lào Cai (nhập tay)", province=province)
    for args in (["--profile", "demo"], ["--profile", "demo", "--reset"]):
        code, out, err = run_command("generate", *args)
        assert (code, out, err) == (
            2, "", "Tỉnh Lào Cai đã có dữ liệu không do lệnh generate tạo; lệnh generate không ghi đè dữ liệu này.\n"
        )
    assert list(Branch.objects.filter(province=province).values_list("code", flat=True)) == ["001599"]
    assert not AuditEvent.objects.filter(action="generate").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Thiếu --profile; chọn một trong: demo, seed2020, national."),
        (["--profile", "quocgia"], "Không có hồ sơ dữ liệu «quocgia»; chọn một trong: demo, seed2020, national."),
        (["--profile", "demo", "--seed", "abc"], "--seed phải là một số nguyên, không phải «abc»."),
    ],
)
def test_bad_generate_options(args, message):
    assert run_command("generate", *args) == (2, "", message + "\n")
    assert not Household.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_codes_used_by_another_province_are_refused(world):
    SavingsGroup.objects.filter(pk=world.group_c.pk).update(code="1599999")
    code, out, err = run_command("generate", "--profile", "demo")
    assert (code, out) == (2, "")
    assert err == "Đã có tổ hoặc hộ ở tỉnh khác dùng mã bắt đầu bằng 15; không thể sinh dữ liệu cho tỉnh này.\n"
    assert not Village.objects.filter(commune__province__code="15").exists()
    assert not AuditEvent.objects.filter(action="generate").exists()
