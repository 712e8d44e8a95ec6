"""The runner: resumable steps (state rows), the close lock, refusals, the ledger month, scoped closes."""

import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone

from tests.closing.support import D, ledger, loan_of, loan_snapshot_totals, money_state
from uythac.closing.models import (
    ALL_ORGANIZATIONS,
    ClosingRun,
    ClosingStepState,
    LoanSnapshot,
    ProvinceSnapshot,
    RunStatus,
    StepStatus,
)
from uythac.closing.runner import close_month
from uythac.closing.steps.snapshots import LoanSnapshots
from uythac.closing.steps.transfers import OverdueTransfers
from uythac.core.exceptions import DomainError
from uythac.core.models import AuditEvent
from uythac.ledger.chart import AccountCode as A
from uythac.ledger.models import EntryKind, JournalEntry, LedgerPeriod, PeriodStatus

pytestmark = pytest.mark.django_db


def states(period="2026-03", scope="country"):
    return dict(ClosingStepState.objects.filter(period=period, scope=scope).values_list("step", "status"))


@pytest.fixture
def due(cw):
    """A loan whose whole balance goes overdue at the end of March 2026, and one that does not."""
    matured = loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    running = loan_of(cw, cw.household_b, cw.group_b, on=D(2025, 3, 15), amount=20_000_000)
    return cw, matured, running


def crash_after(monkeypatch, cls, method):
    real = getattr(cls, method)

    def crashing(self, *args, **kwargs):
        real(self, *args, **kwargs)
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(cls, method, crashing)


def test_a_crash_inside_a_step_leaves_it_started_and_nothing_half_written(due, monkeypatch):
    _world, matured, _running = due
    crash_after(monkeypatch, LoanSnapshots, "_loans")
    with pytest.raises(RuntimeError, match="simulated crash"):
        close_month(period="2026-03", close_ledger=False)
    assert states() == {"freeze_expiry": StepStatus.DONE, "overdue_transfers": StepStatus.DONE,
                        "loan_snapshots": StepStatus.STARTED}
    assert LoanSnapshot.objects.count() == 0  # the step's rows rolled back with it
    run = ClosingRun.objects.get()
    assert (run.status, run.error) == (RunStatus.FAILED, "RuntimeError: simulated crash")
    monkeypatch.undo()
    report = close_month(period="2026-03", close_ledger=False)
    assert [(step.step, step.status) for step in report.steps][:5] == [
        ("freeze_expiry", "skipped"),
        ("overdue_transfers", "skipped"), ("loan_snapshots", "done"), ("inactive_3m", "done"), ("aggregates", "done")]
    assert ClosingStepState.objects.get(step="loan_snapshots").attempts == 2
    assert loan_snapshot_totals("2026-03")["overdue"] == 10_000_000
    total = ProvinceSnapshot.objects.get(period="2026-03", province=matured.commune.province_id,
                                         organization_code=ALL_ORGANIZATIONS)
    assert (total.outstanding, total.principal_overdue, total.loans_with_balance) == (30_000_000, 10_000_000, 2)


def test_a_crash_after_posting_the_transfers_posts_them_once_on_the_rerun(due, monkeypatch):
    _world, matured, _running = due
    crash_after(monkeypatch, OverdueTransfers, "_update_loans")
    with pytest.raises(RuntimeError):
        close_month(period="2026-03", close_ledger=False)
    assert states() == {"freeze_expiry": StepStatus.DONE, "overdue_transfers": StepStatus.STARTED}
    assert not JournalEntry.objects.filter(kind=EntryKind.OVERDUE_TRANSFER).exists()
    assert ledger(A.LOAN_OVERDUE, matured) == 0
    monkeypatch.undo()
    close_month(period="2026-03", close_ledger=False)
    assert JournalEntry.objects.filter(kind=EntryKind.OVERDUE_TRANSFER).count() == 1
    matured.refresh_from_db()
    assert (matured.principal_current, matured.principal_overdue) == (0, 10_000_000)


def test_a_second_close_while_one_runs_is_refused_and_changes_nothing(due):
    ClosingRun.objects.create(scope="country", period="2026-03", started_at=timezone.now(), pid=os.getpid(),
                              host=socket.gethostname())
    before = money_state()
    with pytest.raises(DomainError) as refused:
        close_month(period="2026-03", close_ledger=False)
    assert "Kỳ 2026-03, phạm vi toàn quốc đang được khóa sổ bởi một lần chạy khác" in refused.value.text()
    assert f"tiến trình {os.getpid()}" in refused.value.text()
    with pytest.raises(DomainError) as other:
        close_month(period="2026-02", scope="01", close_ledger=False)
    assert "Đang có lần khóa sổ khác chạy" in other.value.text()
    assert "kỳ 2026-03, phạm vi toàn quốc" in other.value.text()
    assert money_state() == before


def test_a_run_left_by_a_dead_process_is_taken_over(due):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    stale = ClosingRun.objects.create(scope="country", period="2026-03", started_at=timezone.now(),
                                      pid=int(finished.stdout), host=socket.gethostname())
    report = close_month(period="2026-03", close_ledger=False)
    stale.refresh_from_db()
    assert stale.status == RunStatus.ABANDONED
    assert ClosingRun.objects.get(pk=report.run).status == RunStatus.DONE


def test_another_machine_s_run_needs_takeover(due):
    ClosingRun.objects.create(scope="country", period="2026-03", started_at=timezone.now(), pid=1,
                              host="may-khac")
    with pytest.raises(DomainError):
        close_month(period="2026-03", close_ledger=False)
    report = close_month(period="2026-03", close_ledger=False, takeover=True)
    assert ClosingRun.objects.get(pk=report.run).status == RunStatus.DONE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2026-11"}, "Kỳ 2026-11 chưa kết thúc: chỉ khóa sổ được từ ngày 01/12/2026."),
        ({"period": "2026-13"}, "Kỳ «2026-13» không hợp lệ: cần dạng YYYY-MM, ví dụ 2026-10."),
        ({"period": "10/2026"}, "Kỳ «10/2026» không hợp lệ: cần dạng YYYY-MM, ví dụ 2026-10."),
        ({"period": "2026-10", "scope": "99"}, "Không có tỉnh/thành phố mã «99»."),
        ({"period": "2026-10", "scope": "999999"}, "Không có phòng giao dịch mã «999999» (mã xã gồm 5 chữ số)."),
        ({"period": "2026-10", "scope": "1234"}, "Phạm vi «1234» không hợp lệ"),
        ({"period": "2026-10"}, "Khóa sổ toàn quốc khóa luôn kỳ kế toán: cần tài khoản quản trị (--user)"),
    ],
)
def test_refused_requests_change_nothing(due, kwargs, message):
    before = money_state()
    with pytest.raises(DomainError) as refused:
        close_month(**kwargs)
    assert message in refused.value.text()
    assert money_state() == before


def test_only_an_administrator_closes(due):
    _world, _matured, _running = due
    before = money_state()
    with pytest.raises(DomainError) as refused:
        close_month(period="2026-03", actor=due[0].pgd_staff, close_ledger=False)
    assert refused.value.text() == "Chỉ quản trị hệ thống được chạy khóa sổ cuối tháng."
    assert money_state() == before


def test_a_whole_country_close_closes_the_ledger_month_a_scoped_one_does_not(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 9, 12), amount=10_000_000)
    assert list(LedgerPeriod.objects.values_list("period", "status")) == [("2026-09", PeriodStatus.OPEN)]
    scoped = close_month(period="2026-09", scope="01", actor=cw.admin)
    assert scoped.ledger_period == "OPEN" and scoped.steps[-1].status == "not_applicable"
    report = close_month(period="2026-09", actor=cw.admin)
    assert (report.ledger_period, report.steps[-1].status, report.steps[-1].rows) == ("CLOSED", "done", 1)
    assert LedgerPeriod.objects.get(period="2026-09").status == PeriodStatus.CLOSED
    assert AuditEvent.objects.filter(action="ledger.period_close", object_key="2026-09").count() == 1
    assert AuditEvent.objects.filter(action="closing.close_month").count() == 2


def test_the_ledger_month_waits_for_earlier_open_months(due):
    world, _matured, _running = due
    with pytest.raises(DomainError) as refused:
        close_month(period="2026-03", actor=world.admin)
    assert "Còn kỳ trước chưa khóa sổ (2025-03)" in refused.value.text()
    assert states()["ledger_period_close"] == StepStatus.STARTED
    assert states()["aggregates"] == StepStatus.DONE


def test_scoped_closes_add_up_to_the_whole_country(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=10_000_000)
    loan_of(cw, cw.household_b, cw.group_b, on=D(2026, 3, 15), amount=20_000_000)
    loan_of(cw, cw.household_c, cw.group_c, on=D(2026, 3, 5), amount=5_000_000)
    close_month(period="2026-09", scope=cw.commune_a.code, close_ledger=False)
    assert LoanSnapshot.objects.filter(period="2026-09").count() == 1
    close_month(period="2026-09", scope=cw.office.code, close_ledger=False)
    assert LoanSnapshot.objects.filter(period="2026-09").count() == 2
    hanoi = ProvinceSnapshot.objects.get(period="2026-09", province=cw.province, organization_code="")
    assert (hanoi.outstanding, hanoi.loans_with_balance) == (30_000_000, 2)
    close_month(period="2026-09", scope="79", close_ledger=False)
    scoped = sorted(ProvinceSnapshot.objects.filter(period="2026-09").values_list(
        "province__code", "organization_code", "outstanding", "borrowing_households"))
    assert scoped == [("01", "", 30_000_000, 2), ("01", "11", 30_000_000, 2), ("79", "", 5_000_000, 1),
                      ("79", "11", 5_000_000, 1)]
    close_month(period="2026-09", close_ledger=False)
    assert sorted(ProvinceSnapshot.objects.filter(period="2026-09").values_list(
        "province__code", "organization_code", "outstanding", "borrowing_households")) == scoped
    assert LoanSnapshot.objects.filter(period="2026-09").count() == 3
    assert ClosingStepState.objects.filter(period="2026-09").values("scope").distinct().count() == 4
