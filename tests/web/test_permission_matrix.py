"""Every page against every persona with an object outside its scope: 404, exactly like a missing object.

The URL list is discovered from the URLconf, so a page added later is covered automatically. Each route
parameter is filled with the business key of an object in province 79, outside every persona's scope
(the administrator sees everything and is left out).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import out_of_scope_training
from tests.fees.support import out_of_scope_commission_statement, out_of_scope_fee_statement
from tests.inspections.support import out_of_scope_inspection
from tests.pages import stable_body
from tests.reports.forms.support import out_of_scope_review_meeting
from tests.support_lending import out_of_scope_savings, out_of_scope_session
from tests.support_loan_pages import out_of_scope_loan, out_of_scope_round

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# First path segment → attribute of the world fixture holding the out-of-scope object, and how to key it.
OUT_OF_SCOPE = {
    "provinces": lambda w: w.other_province.code,
    "communes": lambda w: w.commune_c.code,
    "villages": lambda w: w.village_c.code,
    "branches": lambda w: w.other_branch.code,
    "offices": lambda w: w.other_office.code,
    "points": lambda w: w.point_c.code,
    "units": lambda w: w.unit_c["11"].code,
    "agreements": lambda w: str(w.other_agreement.pk),
    "contracts": lambda w: str(w.other_contract.pk),
    "groups": lambda w: w.group_c.code,
    "households": lambda w: w.household_c.customer_code,
    "users": lambda w: w.admin.username,
    "sessions": lambda w: str(out_of_scope_session(w).pk),
    "savings": lambda w: out_of_scope_savings(w).account_number,
    "scores": lambda w: w.group_c.code,
    "inspections": lambda w: str(out_of_scope_inspection(w).pk),
    "loans": lambda w: out_of_scope_loan(w).loan_number,
    "applications": lambda w: str(out_of_scope_loan(w).application_id),
    "risk-rounds": lambda w: str(out_of_scope_round(w).pk),
    "fees": lambda w: str(out_of_scope_fee_statement(w).pk),
    "commissions": lambda w: str(out_of_scope_commission_statement(w).pk),
    # Dashboards: the second segment names the level of the node.
    "dashboards/province": lambda w: w.other_province.code,
    "dashboards/office": lambda w: w.other_office.code,
    "dashboards/commune": lambda w: w.commune_c.code,
    "dashboards/unit": lambda w: w.unit_c["11"].code,
    "dashboards/group": lambda w: w.group_c.code,
    "unit-scores": lambda w: w.unit_c["11"].code,
    "review-meetings": lambda w: str(out_of_scope_review_meeting(w).pk),
    "trainings": lambda w: str(out_of_scope_training(w).pk),
}
# Parameters past the first one (e.g. a member of the group) are also taken outside the scope.
SECOND_PARAMETER = {
    "customer_code": lambda w: w.household_c.customer_code,
    "username": lambda w: w.admin.username,
}
AUDIT_TARGETS = [
    ("savingsgroup", lambda w: w.group_c.code),
    ("household", lambda w: w.household_c.customer_code),
    ("commune", lambda w: w.commune_c.code),
    ("transactionpoint", lambda w: w.point_c.code),
    ("associationunit", lambda w: w.unit_c["11"].code),
    ("village", lambda w: w.village_c.code),
    ("entrustmentcontract", lambda w: str(w.other_contract.pk)),
]
# National reference data (organizations, programs, scoring rubrics) is not scoped.
PUBLIC_PREFIXES = {"organizations", "accounts", "i18n", "static", "audit", "programs", "rubrics", "fee-schedules"}


def routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def scope_key(route: str) -> str:
    """The OUT_OF_SCOPE key of a route: its first two segments when listed (dashboards/<level>), else the first."""
    first, second = (route.split("/") + [""])[:2]
    return f"{first}/{second}" if f"{first}/{second}" in OUT_OF_SCOPE else first


def scoped_routes():
    found = []
    for route in routes():
        if not PARAMETER.search(route):
            continue
        first = route.split("/", 1)[0]
        if first in PUBLIC_PREFIXES:
            continue
        found.append(route)
    return sorted(set(found))


def fill(route: str, world) -> str:
    names = [m.group("name") for m in PARAMETER.finditer(route)]
    values = [OUT_OF_SCOPE[scope_key(route)](world)] + [SECOND_PARAMETER[name](world) for name in names[1:]]
    iterator = iter(values)
    return "/" + PARAMETER.sub(lambda _m: next(iterator), route)


def test_every_scoped_route_is_known():
    """A new top-level page must be added to OUT_OF_SCOPE so the matrix below covers it."""
    unknown = [r for r in scoped_routes() if scope_key(r) not in OUT_OF_SCOPE]
    assert unknown == []
    assert len(scoped_routes()) >= 4


@pytest.mark.django_db
def test_out_of_scope_objects_answer_404_for_every_persona(world, client):
    checked = 0
    for persona in world.personas:
        if persona.role == "admin":
            continue
        client.force_login(persona)
        for route in scoped_routes():
            url = fill(route, world)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 404, (persona.username, method, url, response.status_code)
                checked += 1
        for object_type, key in AUDIT_TARGETS:
            response = client.get(f"/audit/{object_type}/{key(world)}/")
            assert response.status_code == 404, (persona.username, object_type)
        missing = client.get("/groups/7777777/")
        assert missing.status_code == 404
        assert stable_body(client.get(f"/groups/{world.group_c.code}/")) == stable_body(missing)
        assert stable_body(client.get(f"/households/{world.household_c.customer_code}/")) == stable_body(
            client.get("/households/0999999999/")
        )
    assert checked >= 7 * 8


@pytest.mark.django_db
def test_admin_reaches_every_object(world, client):
    client.force_login(world.admin)
    for route in scoped_routes():
        if route.count("<") > 1 or not route.endswith(">/"):
            continue
        response = client.get(fill(route, world))
        assert response.status_code == 200, route
