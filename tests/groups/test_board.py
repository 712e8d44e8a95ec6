import datetime as dt

import pytest
from django.utils import timezone

from tests.groups.helpers import D, free_household, last_audit, refused
from uythac.core.models import RuleValue
from uythac.groups.models import AgencyContract, GroupBoardTerm, GroupMembership
from uythac.groups.services import (
    agency_contract_create,
    board_term_end,
    board_term_start,
    membership_exit,
)
from uythac.households.models import Kinship
from uythac.network.models import TransactionOffice

pytestmark = pytest.mark.django_db

FORBIDDEN = "vợ/chồng, cha/mẹ, con hoặc anh/chị/em ruột"


def members(world):
    return world.group_a.test_members


def test_new_board_closes_the_current_term_the_day_before(world):
    old = GroupBoardTerm.objects.get(group=world.group_a)
    leader, deputy = members(world)[2], members(world)[3]
    term = board_term_start(actor=world.commune_association, group=world.group_a, leader=leader, deputy=deputy,
                            started_on=D, election_minutes="BB bầu BQL 02/03/2026")
    old.refresh_from_db()
    assert old.ended_on == dt.date(2026, 3, 1)
    assert (term.leader, term.deputy, term.started_on, term.ended_on, term.election_minutes) == (
        leader, deputy, D, None, "BB bầu BQL 02/03/2026"
    )
    event = last_audit("board.start")
    assert (event.object_type, event.object_key) == ("savingsgroup", "0000001")
    assert event.before["leader_code"] == members(world)[0].customer_code
    assert (event.after["leader_code"], event.after["deputy_code"]) == (leader.customer_code, deputy.customer_code)
    # the former leader may now leave the group
    membership_exit(actor=world.admin, group=world.group_a, household=members(world)[0], left_on=D,
                    reason="Chuyển đi")


def test_leader_who_is_the_deputys_spouse_is_refused(world):
    # Issue 2, bad input: a leader who is the deputy's spouse.
    leader, deputy = members(world)[2], members(world)[3]
    Kinship.objects.create(person=deputy, relative=leader, kind="SPOUSE")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                                     started_on=D),
            field="deputy",
            message=f"Tổ trưởng và tổ phó không được là {FORBIDDEN} của nhau "
                    f"(tổ phó {deputy.name} là vợ/chồng của tổ trưởng {leader.name}).")
    assert GroupBoardTerm.objects.get(group=world.group_a, ended_on__isnull=True).leader == members(world)[0]


@pytest.mark.parametrize(("kind", "label"), [("PARENT", "cha/mẹ"), ("CHILD", "con"), ("SIBLING", "anh/chị/em ruột")])
def test_every_close_kinship_is_refused_in_either_direction(world, kind, label):
    leader, deputy = members(world)[2], members(world)[3]
    Kinship.objects.create(person=leader, relative=deputy, kind=kind)
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                                     started_on=D),
            field="deputy",
            message=f"Tổ trưởng và tổ phó không được là {FORBIDDEN} của nhau "
                    f"(tổ trưởng {leader.name} là {label} của tổ phó {deputy.name}).")


def test_other_kinship_is_allowed(world):
    leader, deputy = members(world)[2], members(world)[3]
    Kinship.objects.create(person=leader, relative=deputy, kind="OTHER")
    assert board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                            started_on=D).deputy == deputy


def test_forbidden_kinships_are_a_dated_rule(world):
    RuleValue.objects.filter(key="group.board.forbidden_kinship").update(effective_to=dt.date(2026, 2, 28))
    RuleValue.objects.create(key="group.board.forbidden_kinship", value=["SPOUSE"], effective_from=dt.date(2026, 3, 1),
                             source_document="Quy định giả định cho kiểm thử", confidence="L")
    leader, deputy = members(world)[2], members(world)[3]
    Kinship.objects.create(person=leader, relative=deputy, kind="SIBLING")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                                     started_on=dt.date(2026, 2, 28)),
            field="deputy", contains=f"không được là {FORBIDDEN} của nhau")
    assert board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                            started_on=D).leader == leader
    Kinship.objects.create(person=members(world)[4], relative=members(world)[5], kind="SPOUSE")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=members(world)[4],
                                     deputy=members(world)[5], started_on=dt.date(2026, 3, 3)),
            field="deputy", contains="không được là vợ/chồng của nhau (tổ trưởng")


def test_board_members_must_be_current_members_and_distinct(world):
    outsider = free_household(world, "Hộ ngoài tổ")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=outsider,
                                     deputy=members(world)[3], started_on=D),
            field="leader",
            message=f"Tổ trưởng phải là tổ viên hiện tại của tổ 0000001; hộ {outsider.name} không phải.")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=members(world)[2],
                                     deputy=world.household_a_women, started_on=D),
            field="deputy",
            message=f"Tổ phó phải là tổ viên hiện tại của tổ 0000001; hộ {world.household_a_women.name} "
                    "không phải.")
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=members(world)[2],
                                     deputy=members(world)[2], started_on=D),
            field="deputy", message="Tổ trưởng và tổ phó phải là hai hộ khác nhau.")
    late = free_household(world, "Hộ mới vào")
    GroupMembership.objects.create(group=world.group_a, household=late, joined_on=D)
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=late, deputy=None,
                                     started_on=dt.date(2026, 3, 1)),
            field="leader", message="Hộ Hộ mới vào vào tổ ngày 02/03/2026, sau ngày bắt đầu nhiệm kỳ.")


def test_board_dates(world):
    leader, deputy = members(world)[2], members(world)[3]
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                                     started_on=dt.date(2020, 1, 1)),
            field="started_on",
            message="Nhiệm kỳ mới phải bắt đầu sau ngày bắt đầu nhiệm kỳ hiện tại (01/01/2020).")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    refused(lambda: board_term_start(actor=world.admin, group=world.group_a, leader=leader, deputy=deputy,
                                     started_on=tomorrow),
            field="started_on", message=f"Ngày bắt đầu nhiệm kỳ ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay.")


def test_board_refused_for_group_leader_persona(world):
    refused(lambda: board_term_start(actor=world.group_leader, group=world.group_a, leader=members(world)[2],
                                     deputy=members(world)[3], started_on=D),
            field="group", message="Bạn không có quyền thay đổi tổ TK&VV.")


def test_board_term_end(world):
    term = board_term_end(actor=world.pgd_staff, group=world.group_a, ended_on=D, note="Tổ trưởng xin thôi")
    assert term.ended_on == D
    event = last_audit("board.end")
    assert (event.before["ended_on"], event.after["ended_on"], event.note) == (None, "2026-03-02",
                                                                              "Tổ trưởng xin thôi")
    refused(lambda: board_term_end(actor=world.admin, group=world.group_a, ended_on=D), field="group",
            message="Tổ 0000001 chưa có ban quản lý.")
    # a board with only a leader
    solo = board_term_start(actor=world.admin, group=world.group_a, leader=members(world)[2], deputy=None,
                            started_on=dt.date(2026, 3, 3))
    assert solo.deputy is None
    refused(lambda: board_term_end(actor=world.admin, group=world.group_a, ended_on=dt.date(2026, 3, 2)),
            field="ended_on",
            message="Ngày kết thúc nhiệm kỳ (02/03/2026) không được trước ngày bắt đầu nhiệm kỳ (03/03/2026).")


# --- agency contract --------------------------------------------------------------------------------------

def test_agency_contract_with_the_current_leader(world):
    contract = agency_contract_create(actor=world.credit_officer, group=world.group_a, number="15/2026/HĐUN",
                                      office=world.office, signed_on=D, collects_savings=False)
    assert (contract.leader, contract.office, contract.signed_on, contract.effective_to) == (
        members(world)[0], world.office, D, None
    )
    assert (contract.collects_interest, contract.collects_savings) == (True, False)
    event = last_audit("agency_contract.create")
    assert (event.object_key, event.after["number"], event.after["leader_id"]) == (
        "0000001", "15/2026/HĐUN", members(world)[0].pk
    )


def test_agency_contract_number_is_unique_per_office(world):
    agency_contract_create(actor=world.admin, group=world.group_a, number="15/2026/HĐUN", office=world.office,
                           signed_on=D)
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_a_women, number="15/2026/HĐUN",
                                           office=world.office, signed_on=D),
            field="number", message="Số hợp đồng 15/2026/HĐUN đã tồn tại tại PGD Hoàn Kiếm.")
    second = TransactionOffice.objects.create(code="000102", name="PGD Ba Đình", branch=world.branch)
    second.communes.set([world.commune_a])
    agency_contract_create(actor=world.admin, group=world.group_a_women, number="15/2026/HĐUN", office=second,
                           signed_on=D)
    assert AgencyContract.objects.filter(number="15/2026/HĐUN").count() == 2


def test_agency_contract_refusals(world):
    board_term_end(actor=world.admin, group=world.group_b, ended_on=D)
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_b, number="1", office=world.office,
                                           signed_on=D),
            field="group",
            message="Tổ 0000003 chưa có ban quản lý: phải bầu tổ trưởng trước khi ký hợp đồng ủy nhiệm.")
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_a, number="1",
                                           office=world.other_office, signed_on=D),
            field="office", message="PGD Quận 1 không phục vụ Phường Hoàn Kiếm.")
    refused(lambda: agency_contract_create(actor=world.branch_staff, group=world.group_a, number="1",
                                           office=world.other_office, signed_on=D),
            field="office", message="Phòng giao dịch không thuộc phạm vi quản lý của bạn.")
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_a, number="1", office=world.office,
                                           signed_on=D, effective_to=dt.date(2026, 3, 1)),
            field="effective_to", message="Ngày hết hiệu lực (01/03/2026) không được trước ngày ký (02/03/2026).")
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_a, number="1", office=world.office,
                                           signed_on=dt.date(2019, 6, 1)),
            field="signed_on",
            message="Ngày ký (01/06/2019) không được trước ngày bắt đầu nhiệm kỳ của tổ trưởng (01/01/2020).")
    refused(lambda: agency_contract_create(actor=world.admin, group=world.group_a, number=" ", office=world.office,
                                           signed_on=D),
            field="number", message="Chưa nhập số hợp đồng.")
    refused(lambda: agency_contract_create(actor=world.commune_viewer, group=world.group_a, number="1",
                                           office=world.office, signed_on=D),
            field="group", message="Bạn không có quyền thay đổi tổ TK&VV.")
