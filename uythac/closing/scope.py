"""The scope of a close: the whole country, one province (2 digits), one PGD (6 digits) or one commune (5 digits).

Which loans a scope covers: a province — loans of borrowers in its communes; a PGD — loans managed by that office
(``Loan.office``); a commune — loans of borrowers in it (``Loan.commune``). Savings accounts follow their group
(the group's commune, province and transaction point's office). Each scope turns itself into SQL filters for the
tables the steps read; the values always travel as parameters.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from uythac.core.exceptions import DomainError
from uythac.geography.models import Commune, Province
from uythac.network.models import TransactionOffice

COUNTRY, PROVINCE, OFFICE, COMMUNE = "country", "province", "office", "commune"


@dataclass(frozen=True)
class CloseScope:
    kind: str
    code: str = ""
    pk: int | None = None
    name: str = ""

    @property
    def key(self) -> str:
        """How state rows and runs name the scope: "country", "province:24", "office:000101", "commune:00070"."""
        return COUNTRY if self.kind == COUNTRY else f"{self.kind}:{self.code}"

    @property
    def is_country(self) -> bool:
        return self.kind == COUNTRY

    @property
    def label(self) -> str:
        return f"{scope_label(self.key)} {self.name}".strip()

    def _filter(self, columns: dict[str, str]) -> tuple[str, list]:
        if self.is_country:
            return "1 = 1", []
        return f"{columns[self.kind]} = %s", [self.pk]

    def loan_filter(self, loan: str = "l", commune: str = "c") -> tuple[str, list]:
        """Filter on ``loans_loan`` (alias ``loan``) joined to its commune (alias ``commune``)."""
        return self._filter({PROVINCE: f"{commune}.province_id", OFFICE: f"{loan}.office_id",
                             COMMUNE: f"{loan}.commune_id"})

    def group_filter(self, group: str = "g", commune: str = "gc", point: str = "tp") -> tuple[str, list]:
        """Filter on a savings group (alias ``group``) joined to its commune and transaction point."""
        return self._filter({PROVINCE: f"{commune}.province_id", OFFICE: f"{point}.office_id",
                             COMMUNE: f"{group}.commune_id"})

    def snapshot_filter(self, alias: str = "s") -> tuple[str, list]:
        """Filter on a LoanSnapshot row (it carries province, office and commune)."""
        return self._filter({PROVINCE: f"{alias}.province_id", OFFICE: f"{alias}.office_id",
                             COMMUNE: f"{alias}.commune_id"})


def scope_label(key: str) -> str:
    """How a scope key reads in a message: "country" → "toàn quốc", "province:24" → "tỉnh 24"…"""
    kind, _sep, code = key.partition(":")
    names = {PROVINCE: _("tỉnh"), OFFICE: _("PGD"), COMMUNE: _("xã")}
    return _("toàn quốc") if kind == COUNTRY else f"{names.get(kind, kind)} {code}"


def scope_parse(code: str | None) -> CloseScope:
    """``None``/"" → the whole country; otherwise a province, PGD or commune code (refused if unknown)."""
    text = str(code or "").strip()
    if not text:
        return CloseScope(COUNTRY)
    if re.fullmatch(r"\d{2}", text):
        found = Province.objects.filter(code=text).first()
        if found is None:
            raise DomainError(_("Không có tỉnh/thành phố mã «%(code)s».") % {"code": text}, field="scope")
        return CloseScope(PROVINCE, text, found.pk, found.name)
    if re.fullmatch(r"\d{6}", text):
        found = TransactionOffice.objects.filter(code=text).first()
        if found is None:
            raise DomainError(
                _("Không có phòng giao dịch mã «%(code)s» (mã xã gồm 5 chữ số).") % {"code": text}, field="scope"
            )
        return CloseScope(OFFICE, text, found.pk, found.name)
    if re.fullmatch(r"\d{5}", text):
        found = Commune.objects.filter(code=text).first()
        if found is None:
            raise DomainError(_("Không có xã/phường mã «%(code)s».") % {"code": text}, field="scope")
        return CloseScope(COMMUNE, text, found.pk, found.name)
    raise DomainError(
        _("Phạm vi «%(code)s» không hợp lệ: dùng mã tỉnh (2 chữ số), mã xã (5 chữ số) hoặc mã PGD (6 chữ số).")
        % {"code": text},
        field="scope",
    )
