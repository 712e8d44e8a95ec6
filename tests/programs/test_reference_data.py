"""The data migration: every program of programs.md §4, every parameter with a source and a confidence, no
overlapping periods, inferences marked, unknown values absent — and the database constraints behind them."""

import itertools

import pytest
from django.db import IntegrityError, transaction

from tests.programs.helpers import D, dec
from uythac.programs.models import (
    BeneficiaryCategory,
    CreditProgram,
    OverdueRateRule,
    ProgramLimit,
    ProgramRate,
    RateOverride,
)
from uythac.programs.reference_data import load

pytestmark = pytest.mark.django_db

CODES = {
    "01": "POOR_HOUSEHOLD", "02": "STUDENT", "03": "JOB_CREATION", "04": "LABOR_EXPORT",
    "06": "CLEAN_WATER_SANITATION", "07": "POOR_HOUSING", "09": "RECENTLY_ESCAPED_POVERTY",
    "10": "DIFFICULT_AREA_BUSINESS", "12": "SOCIAL_HOUSING", "15": "DIFFICULT_AREA_TRADER",
    "17": "ETHNIC_MINORITY_POOR_755", "19": "NEAR_POOR_HOUSEHOLD", "21": "ETHNIC_MINORITY_POOR_2085",
    "25": "ETHNIC_MOUNTAIN_NTP", "26": "FORMER_PRISONER", "99": "OTHER",
}


def test_every_export_code_is_loaded():
    assert dict(CreditProgram.objects.values_list("code", "identifier")) == CODES
    assert set(CreditProgram.objects.values_list("code_confidence", flat=True)) == {"M"}  # observed, not published
    channels = dict(CreditProgram.objects.values_list("code", "channel"))
    assert {code for code, channel in channels.items() if not channel} == {"17", "21", "26", "99"}  # not known
    assert (channels["01"], channels["03"], channels["15"]) == ("ENTRUSTED", "BOTH", "BOTH")
    assert BeneficiaryCategory.objects.get(program__code="02", code="ORPHAN").channel == "DIRECT"


def test_every_parameter_has_source_and_confidence():
    for model in (BeneficiaryCategory, ProgramRate, OverdueRateRule, RateOverride, ProgramLimit):
        for row in model.objects.all():
            assert row.source_document.strip(), row
            assert row.confidence in {"H", "M", "L"}, row


def _scope(row):
    return (row.program_id, row.category_id, getattr(row, "kind", None))


@pytest.mark.parametrize("model", [ProgramRate, OverdueRateRule, ProgramLimit])
def test_loaded_periods_never_overlap(model):
    rows = sorted(model.objects.all(), key=lambda r: (str(_scope(r)), r.effective_from))
    for _scope_key, group in itertools.groupby(rows, key=_scope):
        group = list(group)
        for before, after in zip(group, group[1:], strict=False):
            assert before.effective_to is not None and before.effective_to < after.effective_from, (before, after)


def test_inferences_are_marked():
    # 50 % of the job-creation rate for priority groups: a calculation (programs.md §1, L).
    assert set(ProgramRate.objects.filter(category__code="PRIORITY").values_list("confidence", flat=True)) == {"L"}
    # The rates "until 30/11/2025" have no documented start: one notch below the decision's H.
    assert ProgramRate.objects.get(program__code="01", effective_to=D(2025, 11, 30)).confidence == "M"
    assert ProgramRate.objects.get(program__code="01", effective_from=D(2025, 12, 1)).confidence == "H"
    storm = RateOverride.objects.get(legal_basis__startswith="QĐ 2654")
    assert (storm.confidence, storm.area_confidence, storm.programs_confidence, storm.combination_confidence) == (
        "H", "M", "M", "L")
    assert ProgramLimit.objects.get(program__code="17", kind="EXTENSION_MAX_MONTHS").confidence == "L"


def test_storm_override_areas():
    storm = RateOverride.objects.get(legal_basis__startswith="QĐ 2654")
    assert sorted(storm.provinces.values_list("code", flat=True)) == [
        "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38", "40", "42",
        "44", "46", "48", "51",
    ]
    assert (storm.delta_points, storm.effective_from, storm.effective_to) == (dec("-2"), D(2025, 10, 1),
                                                                              D(2025, 12, 31))
    assert "99" not in storm.programs.values_list("code", flat=True) and storm.programs.count() == 15
    central = RateOverride.objects.get(legal_basis__startswith="NQ 380")
    assert sorted(central.provinces.values_list("code", flat=True)) == ["52", "56", "66", "68"]


def test_unknown_values_are_absent():
    assert not ProgramRate.objects.filter(program__code="12", effective_from__gte=D(2025, 12, 1)).exists()
    assert not ProgramRate.objects.filter(program__code__in=["17", "21", "99"]).exists()
    assert not ProgramLimit.objects.filter(program__code__in=["15", "26", "21"],
                                           kind__startswith="MAX_AMOUNT").exists()


def test_loading_twice_changes_nothing():
    from django.apps import apps

    counts = [m.objects.count() for m in (CreditProgram, ProgramRate, OverdueRateRule, RateOverride, ProgramLimit)]
    load(apps, None)
    assert [m.objects.count() for m in (CreditProgram, ProgramRate, OverdueRateRule, RateOverride,
                                        ProgramLimit)] == counts


# --- database constraints ---------------------------------------------------------------------------------------

def _refused_by_database(**fields):
    before = ProgramRate.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramRate.objects.create(**fields)
    assert ProgramRate.objects.count() == before


def test_database_refuses_bad_rates_and_dates():
    program = CreditProgram.objects.get(code="01")
    base = {"program": program, "source_document": "x", "confidence": "H"}
    _refused_by_database(**base, annual_rate=dec("0"), effective_from=D(2030, 1, 1))
    _refused_by_database(**base, annual_rate=dec("100"), effective_from=D(2030, 1, 1))
    _refused_by_database(**base, annual_rate=dec("5"), effective_from=D(2030, 1, 2), effective_to=D(2030, 1, 1))
    _refused_by_database(**base, annual_rate=dec("5"), effective_from=D(2025, 12, 1))  # same start as the 6.24 row


def test_database_refuses_a_limit_value_in_the_wrong_unit():
    program = CreditProgram.objects.get(code="01")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramLimit.objects.create(program=program, kind="MAX_TERM_MONTHS", amount_vnd=5, source_document="x",
                                    confidence="H", effective_from=D(2030, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramLimit.objects.create(program=None, kind="SHORT_TERM_MAX_MONTHS", months=6, source_document="x",
                                    confidence="H", effective_from=D(2019, 1, 1))  # same start, system-wide


def test_program_code_must_be_two_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditProgram.objects.create(code="1A", identifier="X", name="X", code_source="x", code_confidence="L")
