"""Helpers of the inspection tests: the rule rows, loans, and inspection rows written with chosen entry dates."""

import datetime as dt
import importlib

from django.apps import apps

from tests.closing.support import loan_of
from uythac.core.models import AuditEvent, RuleValue
from uythac.inspections.models import Inspection, InspectionReason, InspectorLevel, SubjectKind

D = dt.date


def ensure_inspection_rules() -> None:
    if not RuleValue.objects.filter(key="inspection.post_disbursement").exists():
        importlib.import_module("uythac.inspections.migrations.0002_rule_values").load(apps, None)


def loan(world, household, group, on: D, amount: int = 10_000_000):
    return loan_of(world, household, group, on=on, amount=amount)


def inspect_loan(loan, *, on: D, entered: D | None = None, level=InspectorLevel.ASSOCIATION_COMMUNE,
                 reason=InspectionReason.POST_DISBURSEMENT, organization=None) -> Inspection:
    """An inspection row as the service would write it, but entered on a chosen day (the service uses today)."""
    unit = loan.association_unit
    if level in {InspectorLevel.ASSOCIATION_COMMUNE, InspectorLevel.ASSOCIATION_PROVINCE,
                 InspectorLevel.ASSOCIATION_DISTRICT} and organization is None:
        organization = unit.organization
    return Inspection.objects.create(
        level=level, organization=organization, inspector_name="Đoàn kiểm tra", inspected_on=on,
        entered_on=entered or on, reason=reason, subject_kind=SubjectKind.LOAN, loan=loan,
        household=loan.household, group=loan.group, managing_unit=unit, commune=loan.commune,
        province_id=loan.commune.province_id,
    )


def inspect_group(group, *, on: D, entered: D | None = None, level=InspectorLevel.ASSOCIATION_COMMUNE,
                  organization=None) -> Inspection:
    unit = group.association_unit
    if level != InspectorLevel.BANK_OFFICE and organization is None:
        organization = unit.organization
    return Inspection.objects.create(
        level=level, organization=organization, inspector_name="Đoàn kiểm tra", inspected_on=on,
        entered_on=entered or on, reason=InspectionReason.ANNUAL_GROUP, subject_kind=SubjectKind.GROUP,
        group=group, managing_unit=unit, commune=group.commune, province_id=group.commune.province_id,
    )


def inspect_unit(unit, *, on: D, level=InspectorLevel.ASSOCIATION_PROVINCE) -> Inspection:
    return Inspection.objects.create(
        level=level, organization=unit.organization, inspector_name="Đoàn kiểm tra tỉnh", inspected_on=on,
        entered_on=on, reason=InspectionReason.OTHER, subject_kind=SubjectKind.UNIT, inspected_unit=unit,
        managing_unit=unit, commune=unit.commune, province_id=unit.province_id,
    )


def written_state() -> dict:
    """Everything a refused write must leave as it was."""
    return {
        "inspections": list(Inspection.objects.order_by("id").values()),
        "audit": AuditEvent.objects.count(),
    }


def out_of_scope_inspection(world) -> Inspection:
    """An inspection of group 0000079 (province 79), outside every persona's scope but the administrator's."""
    found = Inspection.objects.filter(group=world.group_c, subject_kind=SubjectKind.GROUP).first()
    return found or inspect_group(world.group_c, on=D(2026, 3, 10))
