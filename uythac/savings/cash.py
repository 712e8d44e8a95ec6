"""Where the cash of a movement is counted (pure; no Django): the teller's drawer or the group leader's hands.

The chart (``uythac.ledger.chart``) keeps cash on three accounts: ``CASH_TELLER`` (the commune transaction team's
till during a session, sub-ledger ``("session", session id)`` — the same the loan services use —, or the office
counter, ``("office", PGD code)``), ``CASH_IN_TRANSIT``
(collected by a group leader and not yet handed over, sub-ledger ``("group", group code)``) and ``CASH_VAULT``.
Services that receive or pay cash take a ``CashDesk`` and build their cash line from it, so every caller (a
counter deposit, a leader's batch posted at a session) names the drawer once.
"""

from dataclasses import dataclass

from uythac.ledger.chart import AccountCode, SubledgerType
from uythac.ledger.lines import Line


@dataclass(frozen=True)
class CashDesk:
    account_code: str
    subledger_type: str
    subledger_key: str

    def debit(self, amount: int) -> Line:
        return Line.debit(self.account_code, amount, self.subledger_type, self.subledger_key)

    def credit(self, amount: int) -> Line:
        return Line.credit(self.account_code, amount, self.subledger_type, self.subledger_key)


def teller_in_session(session_id) -> CashDesk:
    """The commune transaction team's till during one transaction session."""
    return CashDesk(AccountCode.CASH_TELLER, SubledgerType.SESSION, str(session_id))


def teller_at_office(office_code: str) -> CashDesk:
    """The counter of the transaction office (PGD)."""
    return CashDesk(AccountCode.CASH_TELLER, SubledgerType.OFFICE, str(office_code))


def leader_in_transit(group_code: str) -> CashDesk:
    """Cash a group leader collected (13/TD) and has not yet handed over at the session."""
    return CashDesk(AccountCode.CASH_IN_TRANSIT, SubledgerType.GROUP, str(group_code))
