"""The chart of accounts entrusted lending needs (names in Vietnamese and English).

Codes are uythac's own (VBSP's general-ledger numbering is not public; only the savings product number 105 is, and
it is kept in the name). ``load`` is idempotent so tests can run it again after a transactional flush.
"""

from django.db import migrations

# code, Vietnamese name, English name, kind, normal side, required sub-ledger type, description
ACCOUNTS = [
    (
        "LOAN_CURRENT", "Dư nợ cho vay trong hạn", "Loan principal, in term", "ASSET", "D", "loan",
        "Gốc còn nợ trong hạn của từng món vay (glossary: outstanding_current).",
    ),
    (
        "LOAN_OVERDUE", "Dư nợ cho vay quá hạn", "Loan principal, overdue", "ASSET", "D", "loan",
        "Gốc đã chuyển nợ quá hạn (14/TD; process.md §3.3).",
    ),
    (
        "LOAN_FROZEN", "Dư nợ khoanh", "Loan principal, frozen (khoanh)", "ASSET", "D", "loan",
        "Gốc được khoanh theo đợt xử lý nợ bị rủi ro; không tính lãi khi khoanh (process.md §4).",
    ),
    (
        "INTEREST_RECEIVABLE", "Lãi phải thu (lãi dự thu, lãi tồn)", "Interest receivable (accrued, arrears)",
        "ASSET", "D", "loan",
        "Lãi đã tính nhưng chưa thu của từng món vay.",
    ),
    (
        "CASH_TELLER", "Tiền mặt thủ quỹ (điểm giao dịch xã / quầy)",
        "Teller cash (at the commune transaction point or the office counter)", "ASSET", "D", "",
        "Sổ chi tiết gợi ý: ('point', mã điểm giao dịch) hoặc ('office', mã PGD).",
    ),
    (
        "CASH_VAULT", "Tiền mặt tại quỹ phòng giao dịch", "Cash in the transaction office (PGD) vault",
        "ASSET", "D", "office",
        "Tiền mặt nhận/xuất cho tổ giao dịch lưu động.",
    ),
    (
        "CASH_IN_TRANSIT", "Tiền tổ trưởng đã thu, chưa giao (bảng kê 13/TD chờ giao)",
        "Cash in transit from group leaders (pending collection batches)", "ASSET", "D", "group",
        "Lãi và tiền gửi tổ trưởng đã thu tại nhà (biên lai 01/BL), chờ giao và kiểm đếm tại phiên giao dịch "
        "(process.md §3.2).",
    ),
    (
        "CASH_DIFFERENCE", "Chênh lệch tiền mặt chờ xử lý", "Suspense: cash differences awaiting resolution",
        "SUSPENSE", "D", "",
        "Thừa (số dư Có) hoặc thiếu (số dư Nợ) khi kiểm đếm tiền so với bảng kê; ghi nhận, không tự sửa "
        "(process.md §3.2).",
    ),
    (
        "SAVINGS_105", "Tiền gửi của tổ viên Tổ TK&VV (TK 105)", "Group-member savings deposits (TK 105)",
        "LIABILITY", "C", "savings",
        "Số dư tiền gửi của từng sổ tiết kiệm tổ viên.",
    ),
    (
        "FEE_PAYABLE", "Phí ủy thác phải trả tổ chức hội", "Entrustment fees payable to the associations",
        "LIABILITY", "C", "unit",
        "Phí ủy thác đã trích, chưa chi trả cho đơn vị hội (process.md §8).",
    ),
    (
        "COMMISSION_PAYABLE", "Hoa hồng phải trả Ban quản lý Tổ TK&VV", "Commissions payable to group boards",
        "LIABILITY", "C", "group",
        "Hoa hồng đã trích, chưa chi trả cho tổ (process.md §8).",
    ),
    (
        "LENDING_FUNDS", "Nguồn vốn cho vay (vốn điều chuyển nội bộ)",
        "Lending funds (capital transferred within the bank)", "LIABILITY", "C", "",
        "Đối ứng của tiền mặt và dư nợ khi nhận vốn hoặc chuyển đổi số dư đầu kỳ; nguồn vốn chi tiết chưa mô hình "
        "hóa.",
    ),
    (
        "INTEREST_INCOME", "Thu lãi cho vay", "Interest income on loans", "INCOME", "C", "loan",
        "Lãi thực thu / lãi dự thu ghi nhận của từng món vay.",
    ),
    (
        "FEE_EXPENSE", "Chi phí ủy thác cho tổ chức hội", "Entrustment fee expense", "EXPENSE", "D", "unit",
        "Quyết định 30/2015/QĐ-TTg: tổng phí ủy thác và hoa hồng ≤ 0,125%/tháng dư nợ (M).",
    ),
    (
        "COMMISSION_EXPENSE", "Chi hoa hồng cho Tổ TK&VV", "Commission expense (group boards)", "EXPENSE", "D",
        "group",
        "Hoa hồng trả Ban quản lý Tổ TK&VV (process.md §8).",
    ),
    (
        "WRITE_OFF_LOSS", "Chi phí xử lý nợ bị rủi ro (xóa nợ)", "Write-off loss (risk handling)", "EXPENSE", "D",
        "loan",
        "Gốc và lãi được xóa theo đợt xử lý rủi ro (Quyết định 50/2010/QĐ-TTg, 08/2021/QĐ-TTg); nguồn bù đắp "
        "(quỹ dự phòng rủi ro) chưa mô hình hóa.",
    ),
]


def load(apps, schema_editor):
    account = apps.get_model("ledger", "LedgerAccount")
    for code, name, name_en, kind, side, subledger, description in ACCOUNTS:
        account.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "kind": kind, "normal_side": side, "subledger_type": subledger,
                "description": description, "is_active": True,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("ledger", "LedgerAccount").objects.filter(code__in=[row[0] for row in ACCOUNTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
