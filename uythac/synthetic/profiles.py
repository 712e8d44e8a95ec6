"""The dataset profiles of ``uythac generate``: where, how much, and the ordered build steps.

``demo`` — small and quick (about 150 groups and 4,000 households): current province 15 Lào Cai, the communes
whose seats were in three former districts, Sa Pa, Bảo Thắng and Si Ma Cai (one PGD each), so the demo shows
both mountain villages (bản, Mông and Dao names) and a Kinh-majority lowland district. Dated today.

``seed2020`` — mirrors the province of seed 001 (shared/seeds/001_…txt; figures in forms-and-reports.md §3.1) at
31/12/2020: 3,298 groups with balance (1,341 / 1,365 / 398 / 194 for organizations 11/12/13/14), 99,590
borrowing households (39,158 / 43,253 / 11,347 / 5,832), 665 groups under 20 borrowing households
(299 / 230 / 101 / 35), 10 districts with district joint agreements signed by 10/10/10/8 chapters. It is placed on
current province 24 Bắc Ninh, on the 58 current communes whose seats were in former Bắc Giang (legacy province
24): Bắc Giang had exactly 10 district-level units, like the seed province, and one PGD per former district
reproduces its 10 district offices; 58 communes carry ≈57 groups each, the size of the 2025 merged communes.

``LENDING_STEPS`` (``uythac.synthetic.steps.lending``) add loans, schedules, 24 months of history, savings and the
journal to both profiles; for ``seed2020`` they reproduce seed 001's entrustment table at 31/12/2020 and its
changes against 31/12/2019 to the VND (targets in ``steps/lending/targets.py``, docs/seed2020.md). The households
of the groups step are those with a balance at the data date; the lending steps add the households and groups the
year took away (seed2020 only).

To extend a profile append a step to ``STEPS``: a function ``build_x(ctx)`` reading what earlier steps left in the
``BuildContext`` (``ctx.groups[i].people`` with their household ids, ``borrowers`` per group, ``ctx.lending``) and
drawing from ``ctx.rng("x")``; the earlier data does not change. Add the new tables to ``reset.TEARDOWN`` too.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from uythac.synthetic.plan import build_plan
from uythac.synthetic.steps.associations import build_agreements, build_association_units
from uythac.synthetic.steps.boards import build_boards, build_meetings
from uythac.synthetic.steps.groups import build_groups
from uythac.synthetic.steps.households import build_households
from uythac.synthetic.steps.inspections import build_inspections
from uythac.synthetic.steps.lending.finish import build_ledger
from uythac.synthetic.steps.lending.members import build_lending_members
from uythac.synthetic.steps.lending.plan import build_lending_plan
from uythac.synthetic.steps.lending.rows import build_lending_rows
from uythac.synthetic.steps.lending.savings import build_savings
from uythac.synthetic.steps.network import build_bank_network, build_villages

# Ordered: each step may use what the previous ones created.
BASE_STEPS: tuple[tuple[str, Callable], ...] = (
    ("plan", build_plan),
    ("villages", build_villages),
    ("bank_network", build_bank_network),
    ("association_units", build_association_units),
    ("agreements", build_agreements),
    ("groups", build_groups),
    ("households", build_households),
    ("boards", build_boards),
    ("meetings", build_meetings),
)
# Loans, schedules, 24 months of history, savings and the journal (uythac.synthetic.steps.lending).
LENDING_STEPS: tuple[tuple[str, Callable], ...] = (
    ("lending_members", build_lending_members),
    ("lending_plan", build_lending_plan),
    ("lending_rows", build_lending_rows),
    ("savings", build_savings),
    ("ledger", build_ledger),
    ("inspections", build_inspections),
)
STEPS = BASE_STEPS + LENDING_STEPS


@dataclass(frozen=True)
class OrganizationTarget:
    """Exact counts for one organization: groups, their member (= borrowing) households, groups under 20."""

    groups: int
    borrowing_households: int
    small_groups: int


Mix = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    province_code: str
    legacy_province_code: str
    targets: dict[str, OrganizationTarget]
    ethnic_mixes: dict[str, Mix]  # by legacy district code; "*" for the others
    birth_provinces: tuple[tuple[str, int], ...]  # CCCD birth-registration codes and weights
    legacy_district_codes: tuple[str, ...] | None = None  # None: every district of the legacy province
    as_of: dt.date | None = None  # None: today
    mountain: bool = False  # minority-majority communes get "Bản …" village names
    district_agreements_missing: dict[str, int] = field(default_factory=dict)
    steps: tuple[tuple[str, Callable], ...] = STEPS

    def ethnic_mix(self, district_code: str, *, ward: bool = False) -> Mix:
        mix = self.ethnic_mixes.get(district_code, self.ethnic_mixes["*"])
        if not ward:
            return mix
        # Town wards are mostly Kinh even in mountain districts.
        return tuple((name, share * 4 if name == "Kinh" else share) for name, share in mix)

    def minority_share(self, district_code: str) -> float:
        mix = self.ethnic_mix(district_code)
        return 1 - sum(share for name, share in mix if name == "Kinh") / sum(share for _name, share in mix)


# Ethnic composition by former district: rounded approximations after the 2019 census, for realistic names.
LAO_CAI_MIXES: dict[str, Mix] = {
    "088": (("Mông", 0.52), ("Dao", 0.24), ("Kinh", 0.18), ("Tày", 0.03), ("Giáy", 0.03)),  # Sa Pa
    "086": (("Kinh", 0.66), ("Tày", 0.11), ("Dao", 0.09), ("Mông", 0.07), ("Nùng", 0.04), ("Giáy", 0.03)),  # Bảo Thắng
    "084": (("Mông", 0.81), ("Nùng", 0.12), ("Kinh", 0.07)),  # Si Ma Cai
    "*": (("Kinh", 0.45), ("Mông", 0.25), ("Dao", 0.15), ("Tày", 0.15)),
}
BAC_GIANG_MIXES: dict[str, Mix] = {
    "220": (("Kinh", 0.50), ("Tày", 0.25), ("Nùng", 0.15), ("Dao", 0.06), ("Sán Chay", 0.04)),  # Sơn Động
    "219": (("Kinh", 0.50), ("Nùng", 0.30), ("Tày", 0.08), ("Sán Chay", 0.08), ("Hoa", 0.02), ("Dao", 0.02)),
    "224": (("Kinh", 0.55), ("Nùng", 0.27), ("Tày", 0.08), ("Sán Chay", 0.08), ("Hoa", 0.02)),  # Chũ
    "218": (("Kinh", 0.82), ("Nùng", 0.06), ("Tày", 0.04), ("Sán Chay", 0.04), ("Dao", 0.04)),  # Lục Nam
    "215": (("Kinh", 0.85), ("Nùng", 0.07), ("Tày", 0.03), ("Sán Chay", 0.03), ("Dao", 0.02)),  # Yên Thế
    "*": (("Kinh", 0.95), ("Nùng", 0.02), ("Tày", 0.01), ("Sán Dìu", 0.01), ("Sán Chay", 0.01)),
}

PROFILES: dict[str, Profile] = {
    "demo": Profile(
        name="demo",
        description="Lào Cai: Sa Pa, Bảo Thắng, Si Ma Cai — 3 PGD, 13 xã, 150 tổ, 4.000 hộ",
        province_code="15",
        legacy_province_code="10",
        legacy_district_codes=("084", "086", "088"),
        targets={
            "11": OrganizationTarget(groups=58, borrowing_households=1560, small_groups=10),
            "12": OrganizationTarget(groups=56, borrowing_households=1600, small_groups=8),
            "13": OrganizationTarget(groups=22, borrowing_households=520, small_groups=5),
            "14": OrganizationTarget(groups=14, borrowing_households=320, small_groups=2),
        },
        ethnic_mixes=LAO_CAI_MIXES,
        birth_provinces=(("010", 85), ("015", 6), ("008", 3), ("001", 3), ("024", 3)),
        mountain=True,
    ),
    "seed2020": Profile(
        name="seed2020",
        description="Tỉnh của seed 001 tại 31/12/2020 (trên các xã thuộc Bắc Giang cũ, tỉnh Bắc Ninh)",
        province_code="24",
        legacy_province_code="24",
        as_of=dt.date(2020, 12, 31),
        targets={
            "11": OrganizationTarget(groups=1341, borrowing_households=39158, small_groups=299),
            "12": OrganizationTarget(groups=1365, borrowing_households=43253, small_groups=230),
            "13": OrganizationTarget(groups=398, borrowing_households=11347, small_groups=101),
            "14": OrganizationTarget(groups=194, borrowing_households=5832, small_groups=35),
        },
        ethnic_mixes=BAC_GIANG_MIXES,
        birth_provinces=(("024", 90), ("027", 3), ("020", 3), ("001", 2), ("019", 2)),
        district_agreements_missing={"14": 2},
    ),
}
