"""Lending parameters of the synthetic data: which program a household borrows from, for how long, how much, and
how often things go differently from the schedule. HEURISTIC values chosen for realism (no statistics are
published per program for the seed province); the rules themselves (rates, grace periods, installment regime,
rounding unit, freeze bands) are read from the program data and rule values in force, never from here.

Programs by the household's poverty status (the eligibility conditions of programs.md §2): poor households borrow
from 01, near-poor from 19, recently escaped from 09; other households from 06 (clean water and sanitation), 03 (job
creation), 10 (business in a difficult area) or 04 (labour export). About one continuing household in six also has a
06 loan; poor households may hold a housing loan (07: phase 1 of Decision 167/2008 — 8 million, 10 years with 5 years
of grace, falling due in 2019–2020 for the seed year, which the seed names as a source of overdue debt — and phase 2
of Decision 33/2015, 25 million, 15 years, 5 years of grace, lent until 2020).
"""

from decimal import Decimal

from uythac.households.models import PovertyStatus
from uythac.synthetic.names import Weighted

MILLION = 1_000_000

PRIMARY_PROGRAM = {
    PovertyStatus.POOR.value: Weighted((("01", 1),)),
    PovertyStatus.NEAR_POOR.value: Weighted((("19", 1),)),
    PovertyStatus.RECENTLY_ESCAPED.value: Weighted((("09", 1),)),
    PovertyStatus.AVERAGE_LIVING_STANDARD.value: Weighted((("06", 35), ("03", 35), ("10", 30))),
    PovertyStatus.NONE.value: Weighted((("06", 30), ("03", 35), ("10", 30), ("04", 5))),
}
HOUSEHOLD_PROGRAMS = ("01", "19", "09")
TERMS = {
    "01": Weighted(((36, 1), (48, 1), (60, 3), (84, 2), (120, 3))),
    "19": Weighted(((36, 1), (48, 1), (60, 3), (84, 2), (120, 3))),
    "09": Weighted(((48, 2), (60, 8))),
    "06": Weighted(((60, 1),)),
    "03": Weighted(((36, 2), (60, 4), (120, 4))),
    "10": Weighted(((36, 3), (60, 7))),
    "04": Weighted(((36, 1),)),
}
FREQUENCIES = {
    "01": Weighted(((12, 17), (6, 3))),
    "19": Weighted(((12, 17), (6, 3))),
    "09": Weighted(((12, 17), (6, 3))),
    "06": Weighted(((12, 9), (6, 1))),
    "03": Weighted(((12, 8), (6, 2))),
    "10": Weighted(((12, 8), (6, 2))),
    "04": Weighted(((12, 1),)),
}
AMOUNTS = {  # million VND
    "01": Weighted(((20, 1), (25, 1), (30, 3), (35, 2), (40, 3), (45, 1), (50, 3))),
    "19": Weighted(((20, 1), (25, 1), (30, 3), (35, 2), (40, 3), (45, 1), (50, 3))),
    "09": Weighted(((20, 1), (25, 1), (30, 3), (35, 2), (40, 3), (45, 1), (50, 3))),
    "06": Weighted(((10, 3), (12, 1), (15, 2), (20, 4))),
    "03": Weighted(((20, 1), (30, 3), (40, 2), (50, 4))),
    "10": Weighted(((20, 1), (30, 2), (40, 2), (50, 3), (60, 1), (80, 1))),
    "04": Weighted(((50, 2), (70, 1), (100, 1))),
}
SECONDARY_PROGRAM = "06"
SECONDARY_SHARE = 0.17  # continuing households with a second (clean water) loan
HOUSING = "07"
HOUSING_PHASE_1 = ("PHASE_1", 8 * MILLION, 120)  # category, amount, term (grace: program data)
HOUSING_PHASE_2 = ("PHASE_2", 25 * MILLION, 180)
HOUSING_PHASE_1_YEARS = (2009, 2010)  # Decision 167/2008 lending
HOUSING_PHASE_2_YEARS = (2016, 2020)  # Decision 33/2015 lending, 2020 its last year (seed 001)
HOUSING_PHASE_1_SHARE = 0.04  # of poor / near-poor households who were members by then
HOUSING_PHASE_2_SHARE = 0.05  # of poor households
RENEWAL_GAP_MONTHS = Weighted(((0, 5), (1, 3), (2, 2), (3, 1)))  # from repaying a loan to the next one

# Behaviours of the loans not pinned by a target (shares per loan).
LATE_SHARE = 0.04  # one installment paid 1–2 months late (rolled into the next, 597/NHCS-TDNN before 03/2026)
ADJUSTED_SHARE_OF_LATE = 0.35  # … of which with a formal term adjustment (08/TD) asked before the due day
EXTENDED_SHARE = 0.015  # of loans reaching maturity: extension of the final maturity (gia hạn nợ)
EXTENSION_MONTHS = Weighted(((6, 3), (9, 1), (12, 4)))
PREPAY_SHARE = 0.03  # of loans a year: the rest repaid before maturity
SKIP_COLLECTION_SHARE = 0.02  # a collection's interest left unpaid (paid with the next one)

# When the leaders' interest collections are posted, per loan (months of the year; the loan's repayment in full is
# always a collection day). The leaders collect every month; each posted collection costs three postings per loan
# (accrual, then collection, as the engine posts them), so the benchmark-scale profile posts the year's collections
# once, at the December session, and the demo every quarter — docs/seed2020.md discusses what this changes.
COLLECTION_MONTHS = {"seed2020": (12,)}
DEFAULT_COLLECTION_MONTHS = (3, 6, 9, 12)

# Risk handling (2019 round I of the seed year: freezes after African swine fever, cause K1).
FREEZE_LOANS = 16
FREEZE_LOSS_PERCENT = (45, 75)

# Interest: scaled like the month-end close (rates with at most 6 decimals).
RATE_SCALE = 1_000_000
INTEREST_DIVISOR = 100 * 365 * RATE_SCALE  # ACT/365 (uythac.loans.interest.DEFAULT_DAY_COUNT)


def scaled_rate(rate: Decimal) -> int:
    scaled = Decimal(rate) * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"rate {rate} has more than 6 decimals")
    return int(scaled)


PURPOSES = {
    "01": ("Chăn nuôi lợn, gà", "Trồng cây ăn quả (vải thiều)", "Mua trâu bò sinh sản", "Trồng rừng keo",
           "Chăn nuôi bò vỗ béo"),
    "19": ("Chăn nuôi lợn nái", "Trồng vải thiều, nhãn", "Nuôi gà đồi", "Mua máy cày nhỏ"),
    "09": ("Mở rộng chăn nuôi", "Trồng rau màu hàng hóa", "Nuôi cá ao", "Làm dịch vụ xay xát"),
    "06": ("Xây bể nước và nhà tiêu hợp vệ sinh", "Khoan giếng, lắp đặt bộ lọc nước", "Xây công trình vệ sinh",
           "Đấu nối nước sạch"),
    "03": ("Mở xưởng mộc, tạo việc làm cho lao động", "Duy trì việc làm hộ kinh doanh may mặc",
           "Mở rộng cơ sở chế biến nông sản", "Tạo việc làm chăn nuôi gia trại"),
    "10": ("Kinh doanh tạp hóa", "Chăn nuôi gia trại", "Trồng cây ăn quả hàng hóa", "Dịch vụ sửa chữa máy nông nghiệp"),
    "04": ("Đi làm việc tại Hàn Quốc theo hợp đồng", "Đi làm việc tại Nhật Bản theo hợp đồng",
           "Đi làm việc tại Đài Loan theo hợp đồng"),
    "07": ("Làm mới nhà ở", "Sửa chữa nhà ở"),
}
