import pytest

from tests.ledger.helpers import ensure_chart


@pytest.fixture
def chart(db):
    """The seeded chart of accounts (loaded again if a transactional test flushed it)."""
    ensure_chart()


@pytest.fixture
def poster(world, chart):
    """A PGD staff member: the usual actor of postings."""
    return world.pgd_staff
