"""A module-scoped seed2020 dataset closed for 12/2019 and 12/2020 (used until the lead's shared
``tests/seed2020_fixture.py`` exists): built in real transactions, removed afterwards with ``generate --reset``'s own
teardown, as in tests/cli/test_seed2020_lending.py."""

import pytest

from uythac.closing.models import ClosingRun, ClosingStepState
from uythac.core.models import AuditEvent
from uythac.geography.models import Province
from uythac.ledger.models import LedgerPeriod
from uythac.synthetic.reset import reset_province
from uythac.synthetic.runner import generate_dataset


@pytest.fixture(scope="module")
def seed2020_closed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from uythac.closing.runner import close_month

        generate_dataset("seed2020")
        province = Province.objects.get(code="24")
        for period in ("2019-12", "2020-12"):
            close_month(period=period, scope="24")
        try:
            yield province
        finally:
            reset_province(province)
            ClosingStepState.objects.all().delete()
            ClosingRun.objects.all().delete()
            LedgerPeriod.objects.filter(period__lte="2020-12").delete()
            AuditEvent.objects.filter(object_type="province", object_key="24").delete()
