"""The SQL spellings that differ between SQLite and PostgreSQL give the same answers as the Python rules."""

import datetime as dt

import pytest

from uythac.closing import sql
from uythac.core.periods import add_months

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.mark.parametrize(
    ("day", "months"),
    [(D(2025, 1, 31), 1), (D(2024, 1, 31), 1), (D(2025, 3, 12), 6), (D(2025, 8, 31), 6), (D(2023, 12, 31), 2),
     (D(2025, 5, 31), -3), (D(2024, 5, 31), -3), (D(2026, 9, 30), 0)],
)
def test_add_months_clamps_like_the_periods_module(day, months):
    found = sql.fetch_one(f"SELECT {sql.add_months('x.d', 'x.m')} FROM (SELECT %s AS d, %s AS m) x",
                          [day.isoformat(), months])[0]
    assert sql.as_date(found) == add_months(day, months)


@pytest.mark.parametrize("day", [D(2000, 1, 1), D(2024, 2, 29), D(2026, 9, 30), D(1999, 12, 31)])
def test_day_numbers_round_trip_between_python_and_sql(day):
    number = sql.fetch_one(f"SELECT {sql.day_number('%s')}", [day])[0]
    assert number == sql.day_number_of(day)
    assert sql.date_of_day_number(number) == day
    back = sql.fetch_one(f"SELECT {sql.date_from_day_number('%s')}", [number])[0]
    assert sql.as_date(back) == day


def test_least_and_greatest():
    assert sql.fetch_one(f"SELECT {sql.least('3', '1', '2')}, {sql.greatest('3', '1', '2')}") == (1, 3)


def test_a_fenced_subquery_gives_the_same_rows_on_both_engines():
    sql.temp_table("closing_tmp_fence", "n INTEGER")
    sql.execute("INSERT INTO closing_tmp_fence (n) VALUES (1), (2), (3)")
    rows = sql.fetch_all(
        f"SELECT x.n, x.twice FROM (SELECT n, n * 2 AS twice FROM closing_tmp_fence {sql.no_inline()}) x"
        f" WHERE x.twice > 2 ORDER BY x.n"
    )
    assert rows == [(2, 4), (3, 6)]
    sql.drop_temp("closing_tmp_fence")


def test_analyze_runs_on_both_engines_and_keeps_the_rows():
    sql.temp_table("closing_tmp_stats", "n INTEGER")
    sql.execute("INSERT INTO closing_tmp_stats (n) VALUES (1), (2)")
    sql.analyze("closing_tmp_stats")
    assert sql.fetch_one("SELECT COUNT(*) FROM closing_tmp_stats")[0] == 2
    sql.drop_temp("closing_tmp_stats")
