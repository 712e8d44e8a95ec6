import pytest

from tests.loans.support import ensure_reference_data, make_poor


@pytest.fixture
def lw(world):
    """The shared test world plus the chart of accounts, the loans' rules and a poor household in group 0000001."""
    ensure_reference_data()
    make_poor(world.household_a, 2025)
    return world
