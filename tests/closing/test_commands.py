"""``uythac close-month`` and ``uythac bench close-month`` from the command line (JSON on stdout, progress on
stderr, Vietnamese refusals with exit code 2)."""

import json

import pytest

from tests.cli.commands import run_command
from tests.closing.support import D, loan_of, money_state
from uythac.cli.main import COMMAND_ALIASES, main
from uythac.closing.bench import bench_close_month
from uythac.closing.models import ClosingRun, LoanSnapshot

pytestmark = pytest.mark.django_db


def test_close_month_prints_progress_and_a_json_summary(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    code, out, err = run_command("close_month", "2026-03", "--user", "admin", "--keep-ledger-open")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["period"], summary["scope"], summary["ledger_period"]) == ("2026-03", "country", "OPEN")
    assert [(step["step"], step["status"], step["rows"]) for step in summary["steps"]] == [
        ("overdue_transfers", "done", 1), ("loan_snapshots", "done", 1), ("inactive_3m", "done", 1),
        ("aggregates", "done", 8), ("ledger_period_close", "not_applicable", 0)]
    assert "Khóa sổ kỳ 2026-03, phạm vi toàn quốc" in err
    assert "[1/5] Chuyển nợ quá hạn: 1 dòng" in err
    assert LoanSnapshot.objects.filter(period="2026-03").count() == 1


def test_the_hyphenated_name_reaches_the_command(cw, capsys):
    assert COMMAND_ALIASES["close-month"] == "close_month"
    main(["close-month", "2026-03", "--scope", "01"])
    summary = json.loads(capsys.readouterr().out)
    assert (summary["scope"], summary["ledger_period"]) == ("province:01", "OPEN")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Thiếu kỳ cần khóa sổ, ví dụ: uythac close-month 2026-10."),
        (("2026-09", "--user", "khong-co"), "Không có tài khoản «khong-co» đang hoạt động."),
        (("2026-09", "--user", "pgd_hoankiem"), "Chỉ quản trị hệ thống được chạy khóa sổ cuối tháng."),
        (("2026-09",), "Khóa sổ toàn quốc khóa luôn kỳ kế toán: cần tài khoản quản trị (--user)"),
    ],
)
def test_refusals_exit_with_code_2_and_change_nothing(cw, args, message):
    before = money_state()
    code, out, err = run_command("close_month", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert money_state() == before


def test_bench_refuses_an_unknown_target(cw):
    code, _out, err = run_command("bench", "lunch")
    assert code == 2
    assert "Chọn phép đo: close-month." in err


def test_the_bench_on_the_test_world_matches_the_naive_loop_and_leaves_nothing(cw):
    before = money_state()
    result = bench_close_month(province_code="01", period="2026-10", loans=40, baseline=8)
    assert result["data"]["rows"]["loans"] == 40
    assert result["set_based"]["loans"] == 40
    assert set(result["set_based"]["steps"]) == {"overdue_transfers", "loan_snapshots", "inactive_3m", "aggregates"}
    assert (result["naive_baseline"]["sample_loans"], result["cross_check"]["mismatches"]) == (8, 0)
    assert "extrapolated linearly to 40 loans" in result["naive_baseline"]["note"]
    assert result["speedup"] > 0 and result["targets"]["seconds_max"] == 5.0
    assert money_state() == before  # everything the bench wrote was rolled back
    assert not ClosingRun.objects.exists()


def test_the_bench_closes_the_loans_a_profile_already_has(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    loan_of(cw, cw.household_b, cw.group_b, on=D(2026, 9, 15), amount=20_000_000)
    result = bench_close_month(province_code="01", baseline=2)
    assert (result["period"], result["data"]["source"], result["data"]["rows"]) == ("2026-09", "generated profile", {})
    assert (result["set_based"]["loans"], result["set_based"]["steps"]["overdue_transfers"]["rows"]) == (2, 1)
    assert result["cross_check"] == {"loans_compared": 2, "mismatches": 0, "examples": []}
    assert LoanSnapshot.objects.count() == 0
