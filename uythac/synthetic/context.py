"""What the build steps share: the profile, the dates, per-step random streams and what earlier steps created.

Steps keep only light records here (ids, codes, names, dates), never 100,000 model instances.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from uythac.geography.models import Commune, LegacyDistrict, Province
from uythac.network.models import Organization

if TYPE_CHECKING:
    from uythac.synthetic.profiles import Profile


@dataclass(slots=True)
class Person:
    """A household's representative as generated (before and after the INSERT that gives ``household_id``)."""

    name: str
    female: bool
    born: dt.date
    ethnicity: str
    joined_on: dt.date
    moved_away: bool = False
    household_id: int | None = None
    customer_code: str = ""


@dataclass(slots=True)
class GroupPlan:
    """One savings group: decided by the plan step, filled in by later steps."""

    organization: str
    commune_id: int
    members: int
    borrowers: int  # households with a loan; equal to ``members`` until non-borrowing savers are generated
    code: str = ""
    name: str = ""
    village_id: int | None = None
    point_id: int | None = None
    unit_id: int | None = None
    office_id: int | None = None
    established_on: dt.date | None = None
    group_id: int | None = None
    people: list[Person] = field(default_factory=list)
    kin: dict[tuple[int, int], str] = field(default_factory=dict)  # (person index, relative index) → kind
    leader_index: int | None = None
    deputy_index: int | None = None
    board_started_on: dt.date | None = None


@dataclass(slots=True)
class VillageRef:
    id: int
    code: str
    name: str
    commune_id: int


@dataclass
class BuildContext:
    profile: Profile
    seed: int
    as_of: dt.date
    province: Province
    communes: list[Commune]  # sorted by code
    district_of: dict[int, LegacyDistrict]  # commune id → the legacy district of the commune's seat
    districts: list[LegacyDistrict]  # sorted by code
    organizations: dict[str, Organization]
    counts: Counter = field(default_factory=Counter)
    by_organization: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    # Filled by the steps, in order.
    groups: list[GroupPlan] = field(default_factory=list)
    branch_id: int | None = None
    branch_director: str = ""
    office_of_commune: dict[int, int] = field(default_factory=dict)
    office_of_district: dict[str, int] = field(default_factory=dict)  # legacy district code → office id
    office_codes: dict[int, str] = field(default_factory=dict)  # office id → code
    office_directors: dict[int, str] = field(default_factory=dict)
    points_of_commune: dict[int, list[int]] = field(default_factory=dict)
    villages_of_commune: dict[int, list[VillageRef]] = field(default_factory=dict)
    province_units: dict[str, int] = field(default_factory=dict)  # organization code → unit id
    commune_units: dict[tuple[str, int], int] = field(default_factory=dict)  # (organization, commune id) → id
    unit_chairs: dict[int, str] = field(default_factory=dict)  # unit id → chair's name

    def rng(self, step: str) -> random.Random:
        """The random stream of one step: independent of the other steps, stable for a seed."""
        return random.Random(f"{self.seed}:{self.profile.name}:{step}")

    def __post_init__(self) -> None:
        self.commune_by_id: dict[int, Commune] = {commune.id: commune for commune in self.communes}


def commune_label(commune: Commune) -> str:
    """ "Xã Tả Van" → "xã Tả Van" (as written inside a sentence or an address)."""
    return commune.name[:1].lower() + commune.name[1:]


def province_label(province: Province) -> str:
    return province.name if province.name.startswith("Thành phố") else f"tỉnh {province.name}"


def district_short_name(district: LegacyDistrict) -> str:
    for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
        if district.name.startswith(prefix):
            return district.name[len(prefix):]
    return district.name


def district_label(district: LegacyDistrict) -> str:
    return district.name[:1].lower() + district.name[1:]
