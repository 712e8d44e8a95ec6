"""Integer VND arithmetic (no Django here: an import-linter contract keeps this module pure).

Money is a whole number of đồng (``int``); the đồng has no subunit in circulation, and every balance, posting and
report works in whole đồng. Floats are refused everywhere. Rates and intermediate interest amounts are ``Decimal``
(or exact ``Fraction``) and become money through exactly ONE function, :func:`round_vnd`.

Errors are :class:`MoneyError` (a ``ValueError``) carrying a short reason ``code`` that the web layer turns into a
translated message, so the rules stay testable without Django.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral

# Named rule used by round_vnd, shown next to computed interest ("tạm tính" while provisional).
ROUNDING_RULE = "HALF_UP_DONG"
ROUNDING_RULE_PROVISIONAL = True

# Practitioner rule for installment amounts: rounded down to 100,000 VND (HEURISTIC, [tu-ho-so]; process.md §3.3).
# A default only; callers pass the unit held in program data.
DEFAULT_INSTALLMENT_UNIT = 100_000


class MoneyError(ValueError):
    """A refused money value; ``code`` is a stable reason code, ``args[0]`` an English explanation for logs."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        super().__init__(f"{code}: {detail}" if detail else code)


def to_vnd(value: int | Decimal | str) -> int:
    """Exact conversion to whole đồng. Refuses floats, booleans, fractions of a đồng and non-numbers.

    ``to_vnd("20000000") == 20_000_000``; ``to_vnd(Decimal("1.5"))`` raises ``MoneyError("not_whole_dong")``.
    """
    if isinstance(value, bool | float):
        raise MoneyError("not_integer_vnd", f"{value!r} is not an integer amount")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation as exc:
            raise MoneyError("not_integer_vnd", f"{value!r} is not a number") from exc
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("not_integer_vnd", f"{value!r} is not finite")
        if value != value.to_integral_value():
            raise MoneyError("not_whole_dong", f"{value} has a fraction of a đồng")
        return int(value)
    raise MoneyError("not_integer_vnd", f"{type(value).__name__} is not a money type")


def require_positive_vnd(value: int | Decimal | str) -> int:
    """``to_vnd`` plus the rule that the amount is > 0 (disbursements, repayments, deposits, fees)."""
    amount = to_vnd(value)
    if amount <= 0:
        raise MoneyError("amount_not_positive", f"{amount} must be greater than zero")
    return amount


def round_vnd(amount: Decimal | Fraction | int) -> int:
    """THE rounding rule for interest (and anything else computed, not counted): half-up to the whole đồng.

    Rule ``HALF_UP_DONG``: the exact amount is rounded to the nearest đồng; an exact half goes away from zero
    (105,731.5 → 105,732; −0.5 → −1). PROVISIONAL: the domain reference documents no VBSP rounding rule
    (searched programs.md, process.md, export-formats.md); half-up is the ordinary Vietnamese accounting practice
    and the Decimal default in ledgers. Round once, at the end (per loan and period), never per day or per segment.

    Accepts ``Decimal`` (exact), ``Fraction`` (exact, used by the interest engine) or ``int``; floats are refused.
    """
    if isinstance(amount, bool | float):
        raise MoneyError("not_exact_amount", f"{amount!r}: use Decimal or Fraction, never float")
    if isinstance(amount, Integral):
        return int(amount)
    if isinstance(amount, Fraction):
        magnitude = abs(amount)
        whole, remainder = divmod(magnitude.numerator, magnitude.denominator)
        if 2 * remainder >= magnitude.denominator:
            whole += 1
        return whole if amount >= 0 else -whole
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise MoneyError("not_exact_amount", f"{amount!r} is not finite")
        return int(amount.to_integral_value(rounding=ROUND_HALF_UP))
    raise MoneyError("not_exact_amount", f"{type(amount).__name__} cannot be rounded to VND")


def split_evenly(total: int, parts: int, *, unit: int = DEFAULT_INSTALLMENT_UNIT) -> list[int]:
    """Split ``total`` VND into ``parts`` installments: each rounded DOWN to ``unit``, the remainder on the last.

    HEURISTIC ([tu-ho-so], process.md §3.3): a practitioner's schedule interpolation rounds installments down to
    100,000 VND; the official VBSP rule is not in the domain reference. ``unit`` comes from program data.

    ``split_evenly(10_000_000, 3) == [3_300_000, 3_300_000, 3_400_000]``. The sum is always exactly ``total``;
    every part but the last is a multiple of ``unit``; no part is negative; the last is the largest. When
    ``total / parts < unit`` every part but the last is 0 (callers that cannot accept that refuse it themselves).
    """
    total = to_vnd(total)
    if total < 0:
        raise MoneyError("amount_negative", f"{total} is negative")
    if isinstance(parts, bool) or not isinstance(parts, Integral) or parts < 1:
        raise MoneyError("parts_not_positive", f"{parts!r} must be a positive integer")
    if isinstance(unit, bool) or not isinstance(unit, Integral) or unit < 1:
        raise MoneyError("unit_not_positive", f"{unit!r} must be a positive integer")
    regular = (total // parts) // unit * unit
    return [regular] * (parts - 1) + [total - regular * (parts - 1)]
