import pytest

from tests.inspections.support import ensure_inspection_rules


@pytest.fixture
def iw(cw):
    """The close tests' world (loans' and close's reference data, poor households) plus the inspection rules."""
    ensure_inspection_rules()
    return cw


@pytest.fixture
def cw(world):
    from tests.closing.support import ensure_closing_reference_data
    from tests.loans.support import make_poor

    ensure_closing_reference_data()
    for household in (world.household_a, world.household_b, world.household_a_women, world.household_c):
        for year in (2024, 2025, 2026):
            make_poor(household, year)
    return world
