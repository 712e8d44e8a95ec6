import pytest

from tests.support_lending import ensure_lending_reference_data


@pytest.fixture
def lending(world):
    """The world plus the chart of accounts and the savings rules."""
    ensure_lending_reference_data()
    return world
