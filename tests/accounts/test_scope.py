import pytest
from django.http import Http404

from uythac.accounts.access import access_commune, commune_queryset_for
from uythac.groups.access import access_group, group_queryset_for
from uythac.households.access import access_household, household_queryset_for


def codes(queryset, field="code"):
    return sorted(queryset.values_list(field, flat=True))


@pytest.mark.django_db
def test_group_visibility_per_persona(world):
    expected = {
        "admin": ["0000001", "0000002", "0000003", "0000079"],
        "cn_hanoi": ["0000001", "0000002", "0000003"],
        "pgd_hoankiem": ["0000001", "0000002", "0000003"],
        "cbtd_a": ["0000001", "0000002"],
        "hnd_tinh": ["0000001", "0000003"],
        "hnd_xa_a": ["0000001"],
        "totruong_a": ["0000001"],
        "ubnd_a": ["0000001", "0000002"],
    }
    for user in world.personas:
        assert codes(group_queryset_for(user)) == expected[user.username], user.username


@pytest.mark.django_db
def test_out_of_scope_group_answers_like_missing(world):
    for user in world.personas[1:]:
        with pytest.raises(Http404) as out_of_scope:
            access_group(user, world.group_c.code)
        with pytest.raises(Http404) as missing:
            access_group(user, "7654321")
        assert str(out_of_scope.value) == str(missing.value)


@pytest.mark.django_db
def test_commune_scope_accepts_bank_six_digit_code(world):
    assert access_commune(world.credit_officer, "000070") == world.commune_a
    assert codes(commune_queryset_for(world.credit_officer)) == ["00070"]
    with pytest.raises(Http404):
        access_commune(world.credit_officer, "00004")


@pytest.mark.django_db
def test_association_sees_only_its_organizations_households(world):
    visible = set(household_queryset_for(world.commune_association).values_list("id", flat=True))
    assert world.household_a.id in visible
    assert world.household_a_women.id not in visible
    with pytest.raises(Http404):
        access_household(world.commune_association, world.household_a_women.customer_code)
