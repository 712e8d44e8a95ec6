"""The six monthly reports on the hand-built province of conftest.py (closed 08, 09 and 10/2026): every row and
total asserted against figures computed by hand from the loans' terms; interest arrears (which depend on the dated
rates) against the loan snapshots they are summed from."""

from decimal import Decimal

import pytest
from django.db.models import F, Sum

from tests.reports.monthly.conftest import PERIOD, M
from uythac.closing.models import LoanSnapshot
from uythac.core.exceptions import DomainError
from uythac.reports.entrustment import ScopeOutOfReach
from uythac.reports.monthly import monthly_report
from uythac.scoring.models import Score, Subject

pytestmark = pytest.mark.django_db
TAKEN = (
    "group_code",
    "members",
    "members_with_balance",
    "members_saving",
    "members_paid_interest_3m",
    "members_not_paid_interest_3m",
    "outstanding",
    "overdue",
    "overdue_ratio",
    "frozen",
    "frozen_ratio",
    "savings",
    "savings_per_member",
    "deposit_per_member_month",
    "members_with_grace_arrears",
)


def arrears(loan, *, grace=False) -> int:
    found = LoanSnapshot.objects.filter(period=PERIOD, loan=loan)
    if grace:
        return found.get().interest_arrears_grace
    return found.aggregate(n=Sum(F("interest_arrears_in_term") + F("interest_arrears_overdue")))["n"]


def expected_grade(total: Decimal) -> str:
    """BC0437's grade formula on the score (scoring-and-inspection.md §1.3): 85 / 70 / 50, lower bounds inclusive."""
    return "Tốt" if total >= 85 else "Khá" if total >= 70 else "Trung bình" if total >= 50 else "Yếu"


def test_bc0437_rows_and_total(mw):
    report = monthly_report("bc0437", scope="01", period=PERIOD)
    section = report.sections[0]
    assert report.title == "THÔNG TIN TỔ TK&VV DO TỈNH 01 THÀNH PHỐ HÀ NỘI QUẢN LÝ ĐẾN NGÀY 31/10/2026"
    assert len(section.columns) == 28 and section.columns[26].title == "Kết quả chấm điểm tổ tháng gần nhất"
    rows = {row["group_code"]: row for row in section.rows}
    assert [row["group_code"] for row in section.rows] == ["0000003", "0000001", "0000002"]  # by commune code
    pick = lambda row: tuple(row.get(key) for key in TAKEN)  # noqa: E731
    # 0000001: 6 members, A's household borrows 30M (5M overdue: 5/30 = 16.67 %) and saves 1M (1M/6 = 166.667 đ).
    assert pick(rows["0000001"]) == (
        "0000001",
        6,
        1,
        1,
        0,
        1,
        30 * M,
        5 * M,
        Decimal("16.67"),
        0,
        Decimal("0.00"),
        1 * M,
        166_667,
        0,
        0,
    )
    # 0000002: W 15M frozen in full (100 %), no savings.
    assert pick(rows["0000002"]) == (
        "0000002",
        5,
        1,
        0,
        0,
        1,
        15 * M,
        0,
        Decimal("0.00"),
        15 * M,
        Decimal("100.00"),
        0,
        0,
        0,
        0,
    )
    # 0000003: B 12M, interest paid in 08, 09 and 10/2026; 500.000 đ saved (÷ 5 members = 100.000 đ).
    assert pick(rows["0000003"]) == (
        "0000003",
        5,
        1,
        1,
        1,
        0,
        12 * M,
        0,
        Decimal("0.00"),
        0,
        Decimal("0.00"),
        500_000,
        100_000,
        0,
        0,
    )
    assert rows["0000001"]["leader"] == "Thành viên 0000001-01" and rows["0000003"]["office_code"] == "000101"
    assert (rows["0000001"]["commune_code"], rows["0000001"]["organization_code"]) == ("00070", "11")
    assert rows["0000001"]["interest_arrears"] == arrears(mw.loan_a) > 0
    assert rows["0000003"]["interest_arrears"] == arrears(mw.loan_b) > 0
    assert rows["0000001"]["members_with_arrears"] == 1 and rows["0000002"]["members_with_arrears"] == 0
    assert rows["0000001"]["members_saved_3m"] is None  # not in the snapshots: shown "—"
    for code, row in rows.items():
        score = Score.objects.get(subject=Subject.GROUP, subject_key=code, period=PERIOD, is_current=True)
        assert row["score"] == score.total and row["grade"] == expected_grade(score.total)
    total = section.total
    assert pick(total)[1:] == (
        16,
        3,
        2,
        1,
        2,
        57 * M,
        5 * M,
        Decimal("8.77"),
        15 * M,
        Decimal("26.32"),
        1_500_000,
        93_750,
        0,
        0,
    )  # 5/57 = 8.77 %, 15/57 = 26.32 %, 1.5M/16 = 93.750 đ
    assert total["interest_arrears"] == arrears(mw.loan_a) + arrears(mw.loan_b) + arrears(mw.loan_w)
    assert section.count == 3 and report.pages == 1


def test_bc0437_filters_by_organization_unit_and_commune(mw):
    women = monthly_report("bc0437", scope="01", period=PERIOD, organization="12").sections[0]
    assert [row["group_code"] for row in women.rows] == ["0000002"] and women.total["outstanding"] == 15 * M
    unit = monthly_report("bc0437", scope="01", period=PERIOD, unit="11-C-00004")
    assert [row["group_code"] for row in unit.sections[0].rows] == ["0000003"]
    assert unit.title.startswith("THÔNG TIN TỔ TK&VV DO ") and unit.sections[0].total["members"] == 5
    commune = monthly_report("bc0437", scope="00070", period=PERIOD).sections[0]
    assert [row["group_code"] for row in commune.rows] == ["0000001", "0000002"]
    office = monthly_report("bc0437", scope="000101", period=PERIOD).sections[0]
    assert office.total["outstanding"] == 57 * M
    # An association officer sees only their organization, whatever they ask for.
    mine = monthly_report("bc0437", scope="00070", period=PERIOD, user=mw.commune_association).sections[0]
    assert [row["group_code"] for row in mine.rows] == ["0000001"]
    with pytest.raises(ScopeOutOfReach):
        monthly_report("bc0437", scope="00070", period=PERIOD, user=mw.commune_association, organization="12")


def test_bc0438_three_parts_with_recomputed_totals(mw):
    report = monthly_report("bc0438", scope="01", period=PERIOD)
    one, two, three = report.sections
    assert [(r["commune_code"], r["organization_code"]) for r in one.rows] == [
        ("00004", "11"),
        ("00070", "11"),
        ("00070", "12"),
    ]
    assert [
        (
            r["groups"],
            r["households"],
            r["outstanding"],
            r["overdue"],
            r["savings"],
            r["villages"],
            r["villages_with_balance"],
        )
        for r in one.rows
    ] == [(1, 1, 12 * M, 0, 500_000, 1, 1), (1, 1, 30 * M, 5 * M, 1 * M, 1, 1), (1, 1, 15 * M, 0, 0, 1, 1)]
    assert one.total | {} == one.total and (
        one.total["groups"],
        one.total["outstanding"],
        one.total["overdue"],
        one.total["villages"],
        one.total["overdue_ratio"],
    ) == (3, 57 * M, 5 * M, 2, Decimal("8.77"))  # two communes with one village each
    grades = {(r["commune_code"], r["organization_code"]): r for r in two.rows}
    for (commune, org), row in grades.items():
        scores = Score.objects.filter(
            subject=Subject.GROUP,
            period=PERIOD,
            is_current=True,
            organization_code=org,
            commune_id=mw.commune_a.pk if commune == "00070" else mw.commune_b.pk,
        )
        assert row["graded"] == scores.count() == 1
        assert row[{"GOOD": "good", "FAIR": "fair", "AVERAGE": "average", "WEAK": "weak"}[scores.get().grade]] == 1
    assert two.total["graded"] == 3 and sum(two.total[k] for k in ("good", "fair", "average", "weak")) == 3
    programs = [
        (
            r["commune_code"],
            r["organization_code"],
            r["program_name"],
            r["customers"],
            r["outstanding"],
            r["overdue"],
            r["overdue_ratio"],
            r["frozen"],
            r["frozen_ratio"],
            r["inactive_3m"],
        )
        for r in three.rows
    ]
    assert programs == [
        ("00004", "11", "Cho vay hộ nghèo", 1, 12 * M, 0, Decimal("0.00"), 0, Decimal("0.00"), 0),
        ("00070", "11", "Cho vay hộ nghèo", 1, 30 * M, 5 * M, Decimal("16.67"), 0, Decimal("0.00"), 1),
        ("00070", "12", "Cho vay hộ nghèo", 1, 15 * M, 0, Decimal("0.00"), 15 * M, Decimal("100.00"), 0),
    ]
    assert (
        three.total["outstanding"],
        three.total["frozen"],
        three.total["frozen_ratio"],
        three.total["inactive_3m"],
    ) == (57 * M, 15 * M, Decimal("26.32"), 1)
    # Cross-check (alerts.md): BC0437 summed per commune × association equals BC0438 ①.
    groups = monthly_report("bc0437", scope="01", period=PERIOD).sections[0].rows
    for row in one.rows:
        mine = [
            g
            for g in groups
            if (g["commune_code"], g["organization_code"]) == (row["commune_code"], row["organization_code"])
        ]
        assert sum(g["outstanding"] for g in mine) == row["outstanding"]
        assert sum(g["savings"] for g in mine) == row["savings"]


def test_loan_lists(mw):
    inactive = monthly_report("inactive", scope="01", period=PERIOD).sections[0]
    # A: no transaction since 10/04/2026. W was frozen on 15/09 (a transaction), B paid interest every month.
    assert [row["loan_number"] for row in inactive.rows] == [mw.loan_a.loan_number]
    row = inactive.rows[0]
    assert (
        row["outstanding"],
        row["current"],
        row["overdue"],
        row["frozen"],
        row["group_code"],
        row["leader"],
        row["point_code"],
        row["village_code"],
    ) == (30 * M, 25 * M, 5 * M, 0, "0000001", "Thành viên 0000001-01", "TXN0001", "00070001")
    assert str(row["last_transaction_on"]) == "2026-04-10" and inactive.total["outstanding"] == 30 * M
    assert inactive.total["office_code"] == "Tổng cộng (1 món)"

    overdue = monthly_report("overdue", scope="01", period=PERIOD).sections[0]
    row = overdue.rows[0]
    # The first installment is due on point TXN0001's session day, 12/10/2026: 19 days overdue at 31/10/2026.
    assert (
        overdue.count,
        row["loan_number"],
        row["overdue"],
        row["overdue_transferred"],
        str(row["overdue_since"]),
        row["days_overdue"],
    ) == (1, mw.loan_a.loan_number, 5 * M, 5 * M, "2026-10-12", 19)

    due = monthly_report("due-next-month", scope="01", period=PERIOD)
    rows = due.sections[0].rows
    # B's first installment (12M ÷ 6) falls on point TXN0002's session day 15/11/2026; then the group's subtotal.
    assert [
        (r["group_code"], r.get("loan_number"), r.get("installment"), str(r.get("due_on")), r["principal"], r["unpaid"])
        for r in rows
    ] == [("0000003", mw.loan_b.loan_number, 1, "2026-11-15", 2 * M, 2 * M), ("", None, None, "None", 2 * M, 2 * M)]
    assert rows[1]["customer_name"] == "Cộng tổ 0000003 (1 kỳ hạn)" and rows[1]["_bold"]
    assert due.sections[0].total["principal"] == 2 * M and due.title.startswith("DANH SÁCH NỢ ĐẾN HẠN THÁNG 11/2026")

    frozen = monthly_report("frozen-expiring", scope="01", period=PERIOD).sections[0]
    row = frozen.rows[0]
    assert (
        frozen.count,
        row["loan_number"],
        row["frozen"],
        str(row["frozen_on"]),
        str(row["frozen_until"]),
        row["months_left"],
    ) == (1, mw.loan_w.loan_number, 15 * M, "2026-09-15", "2026-12-15", 2)
    # Within one month (to 30/11/2026) nothing expires.
    assert monthly_report("frozen-expiring", scope="01", period=PERIOD, months="1").sections[0].count == 0
    # Province 79's loan is in none of province 01's lists, but in the country's.
    assert monthly_report("bc0437", scope="", period=PERIOD).sections[0].total["outstanding"] == 62 * M


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scope": "01", "period": "2026-13"}, "period"),
        ({"scope": "01", "period": "10/2026"}, "period"),
        ({"scope": "01", "period": "2026-07"}, "period"),
        ({"scope": "02", "period": PERIOD}, "scope"),
        ({"scope": "1234", "period": PERIOD}, "scope"),
        ({"scope": "01", "period": PERIOD, "organization": "15"}, "organization"),
        ({"scope": "01", "period": PERIOD, "unit": "11-C-99999"}, "unit"),
        ({"scope": "01", "period": PERIOD, "unit": "nope"}, "unit"),
    ],
)
def test_bad_input_is_refused_with_a_message(mw, kwargs, field):
    with pytest.raises(DomainError) as refused:
        monthly_report("bc0437", **kwargs)
    assert field in refused.value.message_dict and refused.value.message_dict[field][0]


def test_bad_months_and_reach(mw):
    with pytest.raises(DomainError) as refused:
        monthly_report("frozen-expiring", scope="01", period=PERIOD, months="0")
    assert "months" in refused.value.message_dict
    for persona, scope in (("branch_staff", "79"), ("group_leader", "01"), ("credit_officer", "00004")):
        with pytest.raises(ScopeOutOfReach):
            monthly_report("overdue", scope=scope, period=PERIOD, user=getattr(mw, persona))
    assert monthly_report("overdue", scope=None, period=PERIOD, user=mw.pgd_staff).scope.code == "000101"
