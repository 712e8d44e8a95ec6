"""The ``seed2020`` dataset, generated and closed once per test session (it takes minutes).

``seed2020_closed`` runs ``generate --profile seed2020`` then ``close-month`` 2019-12 and 2020-12 for province 24 in
real transactions (the close commits step by step) and yields a ``Seed2020`` record; the province is removed at the
end of the session with ``generate --reset``'s own teardown. Tests using it must use no per-test database fixture,
so pytest-django orders them after the database tests and nothing rolls the data back under them.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

import pytest

from tests.factories import reload_reference_data
from uythac.closing.models import ClosingRun, ClosingStepState
from uythac.core.models import AuditEvent
from uythac.geography.models import Province
from uythac.ledger.models import LedgerPeriod
from uythac.synthetic.reset import reset_province
from uythac.synthetic.runner import generate_dataset
from uythac.synthetic.steps.lending import figures

MID, END = dt.date(2019, 12, 31), dt.date(2020, 12, 31)
CLOSED_PERIODS = ("2019-12", "2020-12")


@dataclass
class Seed2020:
    province: Province
    summary: dict
    build_seconds: float
    #: Ledger figures read before the close (the close must not move them).
    before_close: dict
    #: period → {"seconds", "steps": {step: rows}}
    closes: dict = field(default_factory=dict)
    close_error: str | None = None


def _ledger_figures(province) -> dict:
    return {"mid": figures.entrustment_figures(province, MID), "end": figures.entrustment_figures(province, END),
            "checks": figures.ledger_checks(province)}


@pytest.fixture(scope="session")
def seed2020_closed(django_db_setup, django_db_blocker):
    from uythac.closing.runner import close_month

    with django_db_blocker.unblock():
        reload_reference_data()  # a transactional test run before may have flushed the database
        started = time.perf_counter()
        summary = generate_dataset("seed2020")
        province = Province.objects.get(code="24")
        seed = Seed2020(province=province, summary=summary, build_seconds=time.perf_counter() - started,
                        before_close=_ledger_figures(province))
        try:
            for period in CLOSED_PERIODS:
                started = time.perf_counter()
                report = close_month(period=period, scope="24")
                seed.closes[period] = {"seconds": time.perf_counter() - started,
                                       "steps": {step.step: step.rows for step in report.steps}}
        except Exception as error:  # reported by the tests that read the close; the ledger figures stand alone
            seed.close_error = f"{type(error).__name__}: {error}"
        try:
            yield seed
        finally:
            reset_province(province)
            ClosingStepState.objects.all().delete()
            ClosingRun.objects.all().delete()
            LedgerPeriod.objects.filter(period__lte="2020-12").delete()
            AuditEvent.objects.filter(object_type="province", object_key="24").delete()
