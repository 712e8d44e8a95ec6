"""``uythac close-month`` and ``uythac bench close-month`` from the command line (JSON on stdout, progress on
stderr, Vietnamese refusals with exit code 2)."""

import json
from types import SimpleNamespace

import pytest

from tests.cli.commands import run_command
from tests.closing.support import D, loan_of, money_state
from uythac.cli.main import COMMAND_ALIASES, main
from uythac.cli.management.commands import bench as bench_command
from uythac.closing.bench import bench_close_month
from uythac.closing.models import ClosingRun, LoanSnapshot
from uythac.closing.runner import close_month
from uythac.closing.steps import close_steps
from uythac.loans.services import loan_collect_interest

pytestmark = pytest.mark.django_db


def test_close_month_prints_progress_and_a_json_summary(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    code, out, err = run_command("close_month", "2026-03", "--user", "admin", "--keep-ledger-open")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["period"], summary["scope"], summary["ledger_period"]) == ("2026-03", "country", "OPEN")
    # The core steps (apps above closing may register steps of their own between aggregates and the ledger close).
    core = {"freeze_expiry", "overdue_transfers", "loan_snapshots", "inactive_3m", "aggregates", "ledger_period_close"}
    assert [(step["step"], step["status"], step["rows"]) for step in summary["steps"] if step["step"] in core] == [
        ("freeze_expiry", "done", 0), ("overdue_transfers", "done", 1),
        ("loan_snapshots", "done", 1), ("inactive_3m", "done", 1),
        # group, unit, commune ×2, PGD ×2, province ×2 (total and Farmers') and the unit's program line (BC0438 ③)
        ("aggregates", "done", 9), ("ledger_period_close", "not_applicable", 0)]
    assert summary["steps"][-1]["step"] == "ledger_period_close"
    assert "Khóa sổ kỳ 2026-03, phạm vi toàn quốc" in err
    assert f"[1/{len(close_steps())}] Hết hạn khoanh nợ: 0 dòng" in err
    assert f"[2/{len(close_steps())}] Chuyển nợ quá hạn: 1 dòng" in err
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
    assert "Chọn phép đo: close-month" in err


def test_the_bench_on_the_test_world_matches_the_naive_loop_and_leaves_nothing(cw):
    before = money_state()
    result = bench_close_month(province_code="01", periods="2026-10", loans=40, baseline=8)
    assert (result["periods"], result["scope"], result["data"]["rows"]["loans"]) == (["2026-10"], "country", 40)
    [close] = result["closes"]
    assert close["set_based"]["loans"] == 40
    assert {"overdue_transfers", "loan_snapshots", "inactive_3m", "aggregates"} <= set(close["set_based"]["steps"])
    assert (close["naive_baseline"]["sample_loans"], close["cross_check"]["mismatches"]) == (8, 0)
    assert "random sample (seed 1) of 8 loans alive in the period" in close["naive_baseline"]["note"]
    assert "extrapolated linearly to 40 loans" in close["naive_baseline"]["note"]
    assert close["speedup"] > 0 and result["targets"]["seconds_max"] == 5.0
    assert money_state() == before  # everything the bench wrote was rolled back
    assert not ClosingRun.objects.exists()


def test_the_bench_closes_the_loans_a_profile_already_has_for_its_month_and_the_one_before(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    loan_of(cw, cw.household_b, cw.group_b, on=D(2026, 9, 15), amount=20_000_000)
    before = money_state()
    result = bench_close_month(province_code="01", baseline=2)
    assert (result["periods"], result["scope"]) == (["2026-08", "2026-09"], "01")
    assert (result["data"]["source"], result["data"]["rows"]) == ("generated profile", {})
    august, september = result["closes"]
    # Each period is closed on the same data: August's transfer is rolled back before September's close.
    assert (august["period"], august["set_based"]["loans"], august["naive_baseline"]["sample_loans"]) == (
        "2026-08", 1, 1)
    assert august["set_based"]["steps"]["overdue_transfers"]["rows"] == 1
    assert (september["set_based"]["loans"], september["set_based"]["steps"]["overdue_transfers"]["rows"]) == (2, 1)
    assert september["cross_check"] == {"loans_compared": 2, "mismatches": 0, "examples": []}
    assert set(september["set_based"]) == {"steps", "ledger_balance_checks_seconds", "seconds", "core_steps_seconds",
                                           "loans",
                                           "loans_per_second", "peak_python_memory_mb", "client_cpu_seconds",
                                           "database_cpu_seconds"}
    steps = september["set_based"]["steps"]
    core = ("freeze_expiry", "overdue_transfers", "loan_snapshots", "inactive_3m", "aggregates")
    assert september["set_based"]["core_steps_seconds"] == round(sum(steps[name]["seconds"] for name in core), 3)
    assert set(september["naive_baseline"]) == {"sample_loans", "seconds", "seconds_by_step", "seconds_per_loan",
                                                "extrapolated_seconds", "peak_python_memory_mb", "note"}
    assert set(result) == {"database", "periods", "scope", "data", "closes", "max_rss_mb", "targets"}
    # The target is judged on the profile's month-end (the last period), the month before is reported beside it.
    assert (result["targets"]["period"], result["targets"]["met"], result["targets"]["all_periods_met"]) == (
        "2026-09", september["targets_met"], august["targets_met"] and september["targets_met"])
    assert money_state() == before


def test_the_bench_command_prints_json_for_the_periods_asked(cw, monkeypatch):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2025, 3, 12), amount=10_000_000, term=12, frequency=12)
    # A profile on the test world's province 01, which has loans already: nothing is generated.
    monkeypatch.setattr(bench_command, "profile_get", lambda name: SimpleNamespace(name=name, province_code="01"))
    code, out, err = run_command("bench", "close-month", "--period", "2026-03,2026-02,2026-03", "--scope", "01",
                                 "--baseline", "1")
    assert code == 0, err
    result = json.loads(out)
    assert (result["bench"], result["profile"], result["generate_seconds"]) == ("close-month", "seed2020", None)
    assert (result["periods"], result["scope"]) == (["2026-02", "2026-03"], "01")
    assert [close["period"] for close in result["closes"]] == ["2026-02", "2026-03"]
    assert result["closes"][1]["set_based"]["steps"]["overdue_transfers"]["rows"] == 1
    assert "Kỳ 2026-03: khóa sổ theo tập hợp (set-based)…" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--baseline", "0"), "--baseline phải là số nguyên dương, không phải «0»."),
        (("--loans", "-5"), "--loans phải là số nguyên dương, không phải «-5»."),
        (("--period", "2026-13"), "Kỳ «2026-13» không hợp lệ"),
        (("--scope", "99"), "Không có tỉnh/thành phố mã «99»."),
    ],
)
def test_the_bench_refuses_bad_options_before_generating_anything(cw, args, message):
    code, out, err = run_command("bench", "close-month", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert "generate" not in err


def test_the_naive_baseline_agrees_with_the_close_on_a_month_whose_interest_was_collected_later(cw):
    """Closing a past month: the interest collected after its end must be added back to the arrears at its end, by
    both the set-based close and the baseline (their cross-check found 95 of 100 loans apart on seed2020's 11/2020
    before the baseline did so)."""
    loan = loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=10_000_000)
    loan_collect_interest(actor=cw.admin, loan=loan, amount=60_000, on=D(2026, 10, 5))
    result = bench_close_month(province_code="01", periods="2026-09", baseline=1)
    (september,) = result["closes"]
    assert september["cross_check"] == {"loans_compared": 1, "mismatches": 0, "examples": []}
    assert LoanSnapshot.objects.filter(period="2026-09").count() == 0  # the bench rolls its closes back


def test_the_bench_re_closes_a_month_already_closed_and_leaves_its_rows(cw):
    loan_of(cw, cw.household_a, cw.group_a, on=D(2026, 3, 12), amount=10_000_000)
    close_month(period="2026-09", close_ledger=False)
    kept = sorted(LoanSnapshot.objects.filter(period="2026-09").values_list("loan_id", "principal_current"))
    result = bench_close_month(province_code="01", periods="2026-09", baseline=1)
    (september,) = result["closes"]
    assert september["cross_check"] == {"loans_compared": 1, "mismatches": 0, "examples": []}
    assert sorted(LoanSnapshot.objects.filter(period="2026-09").values_list("loan_id", "principal_current")) == kept
