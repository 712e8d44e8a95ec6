import importlib

from django.apps import apps

from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.models import LedgerAccount

# code → (kind, normal side, required sub-ledger type)
EXPECTED = {
    "LOAN_CURRENT": ("ASSET", "D", "loan"),
    "LOAN_OVERDUE": ("ASSET", "D", "loan"),
    "LOAN_FROZEN": ("ASSET", "D", "loan"),
    "INTEREST_RECEIVABLE": ("ASSET", "D", "loan"),
    "CASH_TELLER": ("ASSET", "D", ""),
    "CASH_VAULT": ("ASSET", "D", "office"),
    "CASH_IN_TRANSIT": ("ASSET", "D", "group"),
    "CASH_DIFFERENCE": ("SUSPENSE", "D", ""),
    "SAVINGS_105": ("LIABILITY", "C", "savings"),
    "FEE_PAYABLE": ("LIABILITY", "C", "unit"),
    "COMMISSION_PAYABLE": ("LIABILITY", "C", "group"),
    "LENDING_FUNDS": ("LIABILITY", "C", ""),
    "INTEREST_INCOME": ("INCOME", "C", "loan"),
    "FEE_EXPENSE": ("EXPENSE", "D", "unit"),
    "COMMISSION_EXPENSE": ("EXPENSE", "D", "group"),
    "WRITE_OFF_LOSS": ("EXPENSE", "D", "loan"),
}


def test_the_migration_seeds_the_chart_entrusted_lending_needs(chart):
    seeded = {a.code: (a.kind, a.normal_side, a.subledger_type) for a in LedgerAccount.objects.all()}
    assert seeded == EXPECTED
    assert set(AccountCode) == set(EXPECTED)
    assert {a.subledger_type for a in LedgerAccount.objects.all()} - {""} <= set(SubledgerType)
    savings = LedgerAccount.objects.get(code="SAVINGS_105")
    assert savings.name == "Tiền gửi của tổ viên Tổ TK&VV (TK 105)"
    assert savings.name_en == "Group-member savings deposits (TK 105)"
    assert all(a.name and a.name_en and a.is_active for a in LedgerAccount.objects.all())


def test_normal_side_turns_a_signed_balance_around(chart):
    assert LedgerAccount.objects.get(code="SAVINGS_105").to_normal(-5_000) == 5_000
    assert LedgerAccount.objects.get(code="LOAN_CURRENT").to_normal(5_000) == 5_000


def test_loading_the_chart_again_changes_nothing(chart):
    before = list(LedgerAccount.objects.order_by("code").values_list("pk", "code", "name"))
    importlib.import_module("uythac.ledger.migrations.0002_chart_of_accounts").load(apps, None)
    assert list(LedgerAccount.objects.order_by("code").values_list("pk", "code", "name")) == before
