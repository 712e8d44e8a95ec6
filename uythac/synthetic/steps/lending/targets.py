"""Exact lending figures a profile must reproduce: seed 001's entrustment report at 31/12/2020 for ``seed2020``.

The seed prints millions (outstanding, overdue), tenths of a million (overdue changes), billions to 0.1 (savings,
deposits, withdrawals) and rounded shares. The generator needs exact VND amounts, so each printed figure becomes an
amount that rounds (half up) to it and, where the seed computes a ratio from unrounded data, one that also gives the
printed ratio (docs/seed2020.md explains each choice):

* outstanding 31/12/2020 by organization = printed millions + 0.3 million for 11 and 12: the rows round to the printed
  rows and their exact sum (3,206,969.6 million) to the printed total 3,206,970 (the printed rows add up to 3,206,969);
* outstanding 31/12/2019 = that minus the printed change (the changes are exact, their sum is the printed 164,289);
* overdue at both dates: amounts in 10,000 VND that round to the printed rows, whose differences are the printed
  changes to 0.1 million and whose growth (change ÷ overdue at 31/12/2019) rounds to the printed 18.58 / 23.59 /
  63.39 / 67.93 % — possible only from unrounded data, as the seed did — and whose exact total 3,188.47 million
  rounds to 3,188, the sum of the rows (the printed total 3,198 is a typo: it gives neither the rows' sum nor the
  printed growth of 29.3 %, which 722.5 ÷ 2,465.97 does);
* savings: balances exact to 10 million (62.70 / 80.70 / 18.50 / 9.90 billion, changes 11.61 / 12.11 / 2.90 / 2.50
  so that the total change 29.12 rounds to the printed 29.1 while deposits 83.06 − withdrawals 53.94 also equal it:
  the printed 83.1 − 53.9 = 29.2 cannot be the change of a balance printed as +29.1 unless the flows are unrounded);
* groups: the printed changes (−19 / −42 / −12 / +5) come from 68 merges (24 / 32 / 9 / 3, the seed's 68 groups
  "củng cố, sáp nhập"), 13 groups whose loans were all repaid during 2020 (0 / 10 / 3 / 0) and 13 groups whose loans
  all came in 2020 (5 / 0 / 0 / 8); 30 active groups without balance (the 13 emptied and 17 dormant ones) make the
  3,328 groups over which the printed "202 groups with overdue = 6.07 %" holds (202 ÷ 3,298 = 6.12 %).
"""

from dataclasses import dataclass, field

BILLION = 1_000_000_000
MILLION = 1_000_000


@dataclass(frozen=True)
class OrganizationLending:
    outstanding_end: int
    outstanding_mid: int
    overdue_end: int
    overdue_mid: int
    households_change: int  # households with a balance: end − mid
    savings_end: int
    savings_mid: int
    overdue_groups_end: int
    overdue_groups_above_2pct_end: int
    overdue_groups_mid: int
    overdue_groups_above_2pct_mid: int
    merged_groups: int
    refilled_groups: int  # regular groups with no balance at mid (all their loans came in the last year)
    emptied_groups: int  # active groups with a balance at mid and none at the end
    dormant_groups: int  # active groups with savers only


@dataclass(frozen=True)
class LendingTargets:
    by_organization: dict[str, OrganizationLending]
    disbursed_count: int  # loans disbursed in the data year
    disbursed_amount: int  # ± half a billion (the seed prints billions)
    deposits: int  # savings deposited in the data year
    withdrawals: int
    members_end: int  # members of active groups at the end
    savers_end: int  # of whom with a savings balance
    write_offs: tuple[tuple[int, int], ...]  # per approved round of the data year: (loans, principal)
    proposed_write_offs: tuple[int, int]  # the round still at head office at the end: (loans, principal)
    notes: dict = field(default_factory=dict)


SEED_2020 = LendingTargets(
    by_organization={
        "11": OrganizationLending(
            outstanding_end=1_247_187_300_000, outstanding_mid=1_170_365_300_000,
            overdue_end=1_242_510_000, overdue_mid=1_047_810_000, households_change=-1_069,
            savings_end=62_700_000_000, savings_mid=51_090_000_000,
            overdue_groups_end=80, overdue_groups_above_2pct_end=30, overdue_groups_mid=66,
            overdue_groups_above_2pct_mid=26, merged_groups=24, refilled_groups=5, emptied_groups=0,
            dormant_groups=5,
        ),
        "12": OrganizationLending(
            outstanding_end=1_401_418_300_000, outstanding_mid=1_349_866_300_000,
            overdue_end=1_177_100_000, overdue_mid=952_400_000, households_change=-1_668,
            savings_end=80_700_000_000, savings_mid=68_590_000_000,
            overdue_groups_end=77, overdue_groups_above_2pct_end=27, overdue_groups_mid=63,
            overdue_groups_above_2pct_mid=22, merged_groups=32, refilled_groups=0, emptied_groups=10,
            dormant_groups=6,
        ),
        "13": OrganizationLending(
            outstanding_end=370_338_000_000, outstanding_mid=351_011_000_000,
            overdue_end=478_390_000, overdue_mid=292_790_000, households_change=-444,
            savings_end=18_500_000_000, savings_mid=15_600_000_000,
            overdue_groups_end=29, overdue_groups_above_2pct_end=12, overdue_groups_mid=24,
            overdue_groups_above_2pct_mid=10, merged_groups=9, refilled_groups=0, emptied_groups=3,
            dormant_groups=4,
        ),
        "14": OrganizationLending(
            outstanding_end=188_026_000_000, outstanding_mid=171_438_000_000,
            overdue_end=290_470_000, overdue_mid=172_970_000, households_change=191,
            savings_end=9_900_000_000, savings_mid=7_400_000_000,
            overdue_groups_end=16, overdue_groups_above_2pct_end=5, overdue_groups_mid=13,
            overdue_groups_above_2pct_mid=5, merged_groups=3, refilled_groups=8, emptied_groups=0,
            dormant_groups=2,
        ),
    },
    disbursed_count=32_140,
    disbursed_amount=1_075 * BILLION,
    deposits=83_060_000_000,
    withdrawals=53_940_000_000,
    members_end=102_700,
    savers_end=101_578,
    write_offs=((8, 82_400_000), (7, 73_800_000)),
    proposed_write_offs=(22, 308_460_000),
)

TARGETS = {"seed2020": SEED_2020}
