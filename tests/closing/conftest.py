import pytest

from tests.closing.support import ensure_closing_reference_data
from tests.loans.support import make_poor


@pytest.fixture
def cw(world):
    """The shared world, the loans' and the close's reference data, poor households in groups 0000001–0000003 and
    0000079 (province 79) for every year the tests date loans in."""
    ensure_closing_reference_data()
    for household in (world.household_a, world.household_b, world.household_a_women, world.household_c):
        for year in (2023, 2024, 2025, 2026):
            make_poor(household, year)
    return world
