import datetime as dt

import pytest

from tests.factories import make_household
from uythac.groups.models import GroupMembership
from uythac.households.selectors import household_current_group, household_search

pytestmark = pytest.mark.django_db


def found(user, query) -> list[str]:
    return sorted(household_search(user, query).values_list("name", flat=True))


@pytest.fixture
def people(world):
    return {
        "an": make_household(
            world.commune_a, world.village_a, "Nguyễn Văn An", national_id="001080000123", phone="0912345678"
        ),
        "anh": make_household(world.commune_a, world.village_a, "Nguyễn Văn Anh"),
        "dao": make_household(world.commune_a, world.village_a, "Đặng Thị Đào", gender="F"),
        "an_b": make_household(world.commune_b, world.village_b, "Nguyễn Văn An"),
        "an_c": make_household(world.commune_c, world.village_c, "Nguyễn Văn An"),
    }


@pytest.mark.parametrize(
    "query", ["nguyen van an", "NGUYEN VAN AN", "Nguyễn Văn An", "  nguyễn   văn  AN ", "van an", "nguyen an"]
)
def test_name_search_ignores_diacritics_case_and_spacing(world, people, query):
    assert found(world.credit_officer, query) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]


def test_name_search_every_word_must_appear(world, people):
    assert found(world.credit_officer, "nguyen van anh") == ["Nguyễn Văn Anh"]
    assert found(world.credit_officer, "van binh") == []


def test_d_with_stroke_folds_to_d(world, people):
    assert found(world.credit_officer, "dang thi dao") == ["Đặng Thị Đào"]
    assert found(world.credit_officer, "ĐÀO") == ["Đặng Thị Đào"]
    assert found(world.credit_officer, "dao") == ["Đặng Thị Đào"]


def test_search_is_scoped(world, people):
    assert found(world.credit_officer, "nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert found(world.pgd_staff, "nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert found(world.admin, "nguyen van an") == ["Nguyễn Văn An"] * 3 + ["Nguyễn Văn Anh"]
    assert found(world.group_leader, "nguyen van an") == []


def test_search_by_identifiers(world, people):
    an = people["an"]
    pk_of = lambda query: list(household_search(world.credit_officer, query).values_list("pk", flat=True))  # noqa: E731
    assert pk_of(an.customer_code) == [an.pk]
    assert pk_of(an.customer_code.lstrip("0")) == [an.pk]  # a code that lost its leading zeros in Excel
    assert pk_of("001080000123") == [an.pk]
    assert pk_of("001 080") == [an.pk]
    assert pk_of("0912345678") == [an.pk]
    assert pk_of("0912.345.678") == [an.pk]
    assert pk_of("+84 912 345 678") == [an.pk]
    assert pk_of("345678") == [an.pk]
    assert pk_of("0999999999") == []


def test_blank_query_returns_the_scoped_list(world, people):
    assert household_search(world.credit_officer, "  ").count() == household_search(world.credit_officer, None).count()
    assert set(household_search(world.credit_officer, "")) == {
        h for h in household_search(world.admin, "") if h.commune_id == world.commune_a.id
    }


def test_current_group(world, people):
    assert household_current_group(world.household_a) == world.group_a
    assert household_current_group(people["an"]) is None
    GroupMembership.objects.filter(household=world.household_a).update(left_on=dt.date(2024, 1, 1))
    assert household_current_group(world.household_a) is None
    GroupMembership.objects.create(
        group=world.group_a_women, household=world.household_a, joined_on=dt.date(2024, 2, 1)
    )
    assert household_current_group(world.household_a) == world.group_a_women
