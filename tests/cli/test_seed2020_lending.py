"""``generate --profile seed2020`` then ``close-month`` 2019-12 and 2020-12 reproduce seed 001's entrustment report.

Seed 001 (shared/seeds/001_…txt, fixture shared/fixtures/seed001.json): the table "Kết quả ủy thác qua các Hội
đoàn thể" at 31/12/2020 with its changes against 31/12/2019, the savings, the year's disbursements, the small groups,
the groups with overdue, the merges and the risk rounds. Every figure is asserted with the seed's own rounding
(millions; tenths of a million for the overdue changes; billions to 0.1), from two independent readings:

* the ledger (``uythac.synthetic.steps.lending.figures``: balances summed from the postings as of each date);
* the month-end close's province snapshots (``uythac.closing``), which must say the same.

The dataset is built and closed once per test session by ``tests/seed2020_fixture.py`` (``seed2020_closed``, shared
with the report tests) and removed at the end with ``generate --reset``'s own teardown.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.seed2020_fixture import END, MID
from uythac.closing.models import ProvinceSnapshot
from uythac.synthetic.steps.lending import figures

ORGS = ("11", "12", "13", "14")
MILLION, BILLION = 1_000_000, 1_000_000_000

# Seed 001 as printed (shared/fixtures/seed001.json).
OUTSTANDING = {"11": 1_247_187, "12": 1_401_418, "13": 370_338, "14": 188_026}
OVERDUE = {"11": 1_243, "12": 1_177, "13": 478, "14": 290}
OVERDUE_RATIO = {"11": "0.100", "12": "0.084", "13": "0.129", "14": "0.154"}
GROUPS = {"11": 1_341, "12": 1_365, "13": 398, "14": 194}
HOUSEHOLDS = {"11": 39_158, "12": 43_253, "13": 11_347, "14": 5_832}
CHANGE_GROUPS = {"11": -19, "12": -42, "13": -12, "14": 5}
CHANGE_HOUSEHOLDS = {"11": -1_069, "12": -1_668, "13": -444, "14": 191}
CHANGE_OUTSTANDING = {"11": 76_822, "12": 51_552, "13": 19_327, "14": 16_588}
CHANGE_OVERDUE = {"11": "194.7", "12": "224.7", "13": "185.6", "14": "117.5"}
OVERDUE_GROWTH = {"11": "18.58", "12": "23.59", "13": "63.39", "14": "67.93"}
SHARES = {"11": "38.89", "12": "43.70", "13": "11.55", "14": "5.86"}
SAVINGS = {"11": "62.7", "12": "80.7", "13": "18.5", "14": "9.9"}
SAVINGS_CHANGE = {"11": "11.6", "12": "12.1", "13": "2.9", "14": "2.5"}
SMALL_GROUPS = {"11": 299, "12": 230, "13": 101, "14": 35}
ABOVE_2PCT = {"11": 30, "12": 27, "13": 12, "14": 5}


def rounded(value, places: str = "1") -> Decimal:
    """Half-up rounding, as the seed prints (Python's round() would round 0.5 to even)."""
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def millions(vnd: int, places: str = "1") -> Decimal:
    return rounded(Decimal(vnd) / MILLION, places)


def billions(vnd: int) -> Decimal:
    return rounded(Decimal(vnd) / BILLION, "0.1")


def percent(part, whole, places: str) -> Decimal:
    return rounded(Decimal(part) * 100 / Decimal(whole), places)


def _snapshot_rows(province, period: str) -> dict:
    return {
        row["organization_code"]: row
        for row in ProvinceSnapshot.objects.filter(province=province, period=period).values(
            "organization_code", "outstanding", "principal_overdue", "borrowing_households", "groups_with_balance",
            "savings_balance", "savings_members", "overdue_transferred",
        )
    }


@pytest.fixture(scope="module")
def seed(seed2020_closed):
    """The figures the tests compare, read once: from the ledger before and after the close, and from the snapshots."""
    province = seed2020_closed.province
    data = {
        "summary": seed2020_closed.summary, "build_seconds": seed2020_closed.build_seconds, "province": province,
        "mid": seed2020_closed.before_close["mid"], "end": seed2020_closed.before_close["end"],
        "checks": seed2020_closed.before_close["checks"],
        "flows": figures.year_flows(province, 2020), "rounds": figures.risk_rounds(province, 2020),
        "active_groups": figures.active_groups(province, END), "members": figures.members_at(province, END),
        "close_error": seed2020_closed.close_error,
        "closes": {period: {**close, "snapshots": _snapshot_rows(province, period)}
                   for period, close in seed2020_closed.closes.items()},
        "after_close": {"mid": figures.entrustment_figures(province, MID),
                        "end": figures.entrustment_figures(province, END), "checks": figures.ledger_checks(province)},
    }
    return data


# --- the entrustment table at 31/12/2020 --------------------------------------------------------------------------


def test_outstanding_by_organization_to_the_million(seed):
    end = seed["end"]
    assert {org: millions(end[org]["outstanding"]) for org in ORGS} == OUTSTANDING
    # The printed total (3,206,970) is the rounded sum of the unrounded rows; the rows add up to 3,206,969.
    assert millions(sum(end[org]["outstanding"] for org in ORGS)) == 3_206_970
    assert sum(OUTSTANDING.values()) == 3_206_969
    assert {org: percent(end[org]["outstanding"], sum(end[o]["outstanding"] for o in ORGS), "0.01")
            for org in ORGS} == {org: Decimal(value) for org, value in SHARES.items()}


def test_overdue_by_organization_and_the_seed_total_typo(seed):
    end = seed["end"]
    assert {org: millions(end[org]["overdue"]) for org in ORGS} == OVERDUE
    total = sum(end[org]["overdue"] for org in ORGS)
    # The rows add up to 3,188 (the seed prints 3,198: a typo, docs/seed2020.md) and so does the exact total.
    assert millions(total) == sum(OVERDUE.values()) == 3_188
    assert {org: percent(end[org]["overdue"], end[org]["outstanding"], "0.001") for org in ORGS} == {
        org: Decimal(value) for org, value in OVERDUE_RATIO.items()}
    assert percent(total, sum(end[org]["outstanding"] for org in ORGS), "0.001") == Decimal("0.099")


def test_groups_and_households_with_balance(seed):
    end = seed["end"]
    assert {org: end[org]["groups_with_balance"] for org in ORGS} == GROUPS
    assert {org: end[org]["households_with_balance"] for org in ORGS} == HOUSEHOLDS
    groups, households = sum(GROUPS.values()), sum(HOUSEHOLDS.values())
    assert (groups, households) == (3_298, 99_590)
    outstanding = sum(end[org]["outstanding"] for org in ORGS)
    # "bình quân một tổ quản lý 30 hộ, dư nợ 972 triệu đồng, so với đầu năm tăng 68 triệu đồng/tổ"
    assert rounded(Decimal(households) / groups) == 30
    assert millions(outstanding // groups) == 972
    mid = seed["mid"]
    mid_outstanding, mid_groups = (sum(mid[org][key] for org in ORGS) for key in ("outstanding", "groups_with_balance"))
    assert millions(outstanding / groups - mid_outstanding / mid_groups) == 68


# --- changes against 31/12/2019 -------------------------------------------------------------------------------


def test_changes_of_groups_households_and_outstanding(seed):
    mid, end = seed["mid"], seed["end"]
    change = {key: {org: end[org][key] - mid[org][key] for org in ORGS}
              for key in ("groups_with_balance", "households_with_balance", "outstanding")}
    assert change["groups_with_balance"] == CHANGE_GROUPS
    assert change["households_with_balance"] == CHANGE_HOUSEHOLDS
    assert {org: millions(value) for org, value in change["outstanding"].items()} == CHANGE_OUTSTANDING
    assert sum(CHANGE_GROUPS.values()) == -68 and sum(CHANGE_HOUSEHOLDS.values()) == -2_990
    assert millions(sum(change["outstanding"].values())) == 164_289


def test_overdue_change_and_growth_from_unrounded_data(seed):
    mid, end = seed["mid"], seed["end"]
    change = {org: end[org]["overdue"] - mid[org]["overdue"] for org in ORGS}
    assert {org: millions(value, "0.1") for org, value in change.items()} == {
        org: Decimal(value) for org, value in CHANGE_OVERDUE.items()}
    # The printed growth rates only come out of unrounded amounts (63.39 % ≠ 185.6 ÷ (478 − 185.6)).
    assert {org: percent(change[org], mid[org]["overdue"], "0.01") for org in ORGS} == {
        org: Decimal(value) for org, value in OVERDUE_GROWTH.items()}
    assert millions(sum(change.values()), "0.1") == Decimal("722.5")
    assert percent(sum(change.values()), sum(mid[org]["overdue"] for org in ORGS), "0.1") == Decimal("29.3")


# --- savings, disbursements -----------------------------------------------------------------------------------


def test_savings_balances_and_year_flows(seed):
    mid, end, flows = seed["mid"], seed["end"], seed["flows"]
    assert {org: billions(end[org]["savings_balance"]) for org in ORGS} == {
        org: Decimal(value) for org, value in SAVINGS.items()}
    assert billions(sum(end[org]["savings_balance"] for org in ORGS)) == Decimal("171.8")
    assert {org: billions(end[org]["savings_balance"] - mid[org]["savings_balance"]) for org in ORGS} == {
        org: Decimal(value) for org, value in SAVINGS_CHANGE.items()}
    change = sum(end[org]["savings_balance"] - mid[org]["savings_balance"] for org in ORGS)
    assert billions(change) == Decimal("29.1")
    assert (billions(flows["deposited"]), billions(flows["withdrawn"])) == (Decimal("83.1"), Decimal("53.9"))
    assert flows["deposited"] - flows["withdrawn"] == change  # no interest is credited on members' savings
    # "101.578 tổ viên tham gia, chiếm 98,9% số tổ viên"
    savers = sum(end[org]["savers"] for org in ORGS)
    assert savers == 101_578
    assert percent(savers, seed["members"], "0.1") == Decimal("98.9")


def test_disbursements_of_2020(seed):
    flows = seed["flows"]
    assert 32_000 < flows["disbursed_count"] < 33_000  # "giải ngân cho trên 32 nghìn lượt hộ"
    assert rounded(Decimal(flows["disbursed_amount"]) / BILLION) == 1_075


# --- groups: small, with overdue, merged ----------------------------------------------------------------------


def test_small_groups_and_groups_with_overdue(seed):
    mid, end = seed["mid"], seed["end"]
    assert {org: end[org]["small_groups"] for org in ORGS} == SMALL_GROUPS
    assert sum(SMALL_GROUPS.values()) == 665
    with_overdue = sum(end[org]["groups_with_overdue"] for org in ORGS)
    above = {org: end[org]["groups_above_2pct"] for org in ORGS}
    assert (with_overdue, above, sum(above.values())) == (202, ABOVE_2PCT, 74)
    assert with_overdue - sum(mid[org]["groups_with_overdue"] for org in ORGS) == 36
    assert sum(above.values()) - sum(mid[org]["groups_above_2pct"] for org in ORGS) == 11
    # The printed shares: 202 groups "= 6,07%" and 74 "= 2,2%" of the 3,328 active groups (with or without a balance);
    # 202 ÷ 3,298 groups with a balance would be 6.12 %.
    assert seed["active_groups"] == 3_328
    assert percent(202, seed["active_groups"], "0.01") == Decimal("6.07")
    assert percent(74, seed["active_groups"], "0.1") == Decimal("2.2")
    assert percent(202, 3_298, "0.01") == Decimal("6.12")


def test_sixty_eight_groups_merged_in_2020(seed):
    assert seed["flows"]["groups_merged"] == 68


def test_risk_rounds_of_2020(seed):
    rounds = {row["number"]: row for row in seed["rounds"]}
    written_off = [rounds[n] for n in (1, 2)]
    assert all(r["status"] == "CLOSED" and r["state"] == "APPROVED" and r["measure"] == "WRITE_OFF"
               for r in written_off)
    assert sum(r["loans"] for r in written_off) == 15
    assert millions(sum(r["principal"] for r in written_off), "0.1") == Decimal("156.2")
    third = rounds[3]
    assert (third["status"], third["state"], third["measure"], third["loans"]) == (
        "SUBMITTED", "PROPOSED", "WRITE_OFF", 22)
    assert millions(third["principal"], "0.01") == Decimal("308.46")


# --- the ledger -------------------------------------------------------------------------------------------


def test_ledger_balances_and_caches_equal_the_ledger(seed):
    assert seed["checks"] == {"trial_balance": 0, "loans_differing_from_ledger": 0,
                              "savings_differing_from_ledger": 0}


def test_summary_counts_the_history(seed):
    counts = seed["summary"]["counts"]
    assert counts["loans"] > 140_000 and counts["installments"] > 700_000
    assert counts["postings"] > 1_000_000 and counts["journal_entries"] > 100_000
    assert counts["groups_added"] == 68 + 13 + 17 and counts["group_consolidations"] == 68
    assert counts["risk_rounds"] == 4 and counts["risk_cases"] == 16 + 15 + 22


# --- after closing 12/2019 and 12/2020 ------------------------------------------------------------------------


def test_close_ran_for_both_periods(seed):
    assert seed["close_error"] is None, seed["close_error"]
    # The generated history already moved every matured unpaid balance to overdue, as the close would have.
    assert [seed["closes"][period]["steps"]["overdue_transfers"] for period in ("2019-12", "2020-12")] == [0, 0]
    # Closing only accrues interest: principal and savings figures do not move.
    assert seed["after_close"]["mid"] == seed["mid"] and seed["after_close"]["end"] == seed["end"]
    assert seed["after_close"]["checks"] == seed["checks"]


@pytest.mark.parametrize(("period", "which"), [("2019-12", "mid"), ("2020-12", "end")])
def test_province_snapshots_equal_the_ledger_figures(seed, period, which):
    assert seed["close_error"] is None, seed["close_error"]
    rows = seed["closes"][period]["snapshots"]
    ledger = seed[which]
    assert {org: (rows[org]["outstanding"], rows[org]["principal_overdue"], rows[org]["borrowing_households"],
                  rows[org]["groups_with_balance"], rows[org]["savings_balance"]) for org in ORGS} == {
        org: (ledger[org]["outstanding"], ledger[org]["overdue"], ledger[org]["households_with_balance"],
              ledger[org]["groups_with_balance"], ledger[org]["savings_balance"]) for org in ORGS}


def test_snapshots_give_the_seed_table(seed):
    assert seed["close_error"] is None, seed["close_error"]
    mid, end = seed["closes"]["2019-12"]["snapshots"], seed["closes"]["2020-12"]["snapshots"]
    assert {org: millions(end[org]["outstanding"]) for org in ORGS} == OUTSTANDING
    assert {org: millions(end[org]["principal_overdue"]) for org in ORGS} == OVERDUE
    assert {org: end[org]["groups_with_balance"] - mid[org]["groups_with_balance"] for org in ORGS} == CHANGE_GROUPS
    assert {org: end[org]["borrowing_households"] - mid[org]["borrowing_households"] for org in ORGS} == (
        CHANGE_HOUSEHOLDS)
    assert {org: millions(end[org]["outstanding"] - mid[org]["outstanding"]) for org in ORGS} == CHANGE_OUTSTANDING
    assert {org: millions(end[org]["principal_overdue"] - mid[org]["principal_overdue"], "0.1") for org in ORGS} == {
        org: Decimal(value) for org, value in CHANGE_OVERDUE.items()}
    assert {org: billions(end[org]["savings_balance"]) for org in ORGS} == {
        org: Decimal(value) for org, value in SAVINGS.items()}
