"""Names of the seeded chart of accounts and of the sub-ledger types (pure; no Django).

The chart itself is data (``LedgerAccount`` rows loaded by migration ``0002_chart_of_accounts``); these constants only
spare callers from typing the codes. The codes are uythac's own: VBSP's internal general-ledger numbers are not
public (only the savings product number "105" is, and it appears in the account's name).

Which sub-ledger each account requires (``LedgerAccount.subledger_type``; an empty value means "free": any
sub-ledger or none)::

    LOAN_CURRENT, LOAN_OVERDUE, LOAN_FROZEN,
    INTEREST_RECEIVABLE, INTEREST_INCOME, WRITE_OFF_LOSS    → "loan"     (16-digit loan number)
    SAVINGS_105                                            → "savings"  (member savings account number)
    CASH_IN_TRANSIT, COMMISSION_PAYABLE, COMMISSION_EXPENSE → "group"    (7-digit group code)
    FEE_PAYABLE, FEE_EXPENSE                               → "unit"     (association unit code)
    CASH_VAULT                                             → "office"   (6-digit PGD code)
    CASH_TELLER, CASH_DIFFERENCE, LENDING_FUNDS            → free (use "point"/"office"/"group"/"session" as fits)
"""

from enum import StrEnum


class AccountCode(StrEnum):
    # Assets (normal side: debit)
    LOAN_CURRENT = "LOAN_CURRENT"  # Dư nợ trong hạn
    LOAN_OVERDUE = "LOAN_OVERDUE"  # Dư nợ quá hạn
    LOAN_FROZEN = "LOAN_FROZEN"  # Dư nợ khoanh
    INTEREST_RECEIVABLE = "INTEREST_RECEIVABLE"  # Lãi phải thu (lãi tồn)
    CASH_TELLER = "CASH_TELLER"  # Tiền mặt thủ quỹ (điểm giao dịch xã / quầy)
    CASH_VAULT = "CASH_VAULT"  # Tiền mặt tại quỹ phòng giao dịch
    CASH_IN_TRANSIT = "CASH_IN_TRANSIT"  # Tiền tổ trưởng đã thu, chưa giao (bảng kê 13/TD chờ giao)
    # Suspense (normal side: debit; either sign is legitimate)
    CASH_DIFFERENCE = "CASH_DIFFERENCE"  # Chênh lệch tiền mặt chờ xử lý
    # Liabilities (normal side: credit)
    SAVINGS_105 = "SAVINGS_105"  # Tiền gửi của tổ viên Tổ TK&VV (TK 105)
    FEE_PAYABLE = "FEE_PAYABLE"  # Phí ủy thác phải trả
    COMMISSION_PAYABLE = "COMMISSION_PAYABLE"  # Hoa hồng phải trả
    LENDING_FUNDS = "LENDING_FUNDS"  # Nguồn vốn cho vay (vốn điều chuyển nội bộ)
    # Income (normal side: credit)
    INTEREST_INCOME = "INTEREST_INCOME"  # Thu lãi cho vay
    # Expenses (normal side: debit)
    FEE_EXPENSE = "FEE_EXPENSE"  # Chi phí ủy thác
    COMMISSION_EXPENSE = "COMMISSION_EXPENSE"  # Chi hoa hồng Tổ TK&VV
    WRITE_OFF_LOSS = "WRITE_OFF_LOSS"  # Chi phí xử lý nợ bị rủi ro (xóa nợ)


class SubledgerType(StrEnum):
    LOAN = "loan"
    SAVINGS = "savings"
    GROUP = "group"
    UNIT = "unit"
    POINT = "point"
    OFFICE = "office"
    SESSION = "session"
