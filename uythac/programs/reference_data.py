"""Programs, rates, overdue rules, area overrides and limits of shared/domain/programs.md, with sources.

Loaded by migration 0002 (and again by the tests after a transactional flush). Confidence policy:

- A value keeps the confidence the document gives it (H/M/L) when its whole stored period is covered by the
  evidence. Rates and caps whose **start** is not documented (the rates "until 30/11/2025" of Decision 2553, current
  caps) start at ``DATA_START`` (01/01/2019, the beginning of the project's data: seed2020 closes 12/2019), which is
  a data horizon, not the date of a legal text; such rows are one notch lower (H → M, M → L) and say so in ``note``.
- The mapping of Decision 2553's rate groups to export codes is an inference (programs.md §1, L). Where the group
  names the very program of a code (poor households = 01 HONGHEO, students = 02 HSSV, near-poor = 19 HCN_QD15 …)
  the rate is kept at the decision's H; where a code had to be split or a sub-category assigned (labour export at
  half rate, the Decree 28 half-rate purposes under 25) the row is M, and the inference is noted.
- "Not known" values are absent: no row (e.g. social housing from 01/12/2025, caps of 15/17/21/26, EPS, STEM).
"""

import datetime as dt
from decimal import Decimal

D = dt.date
DATA_START = D(2019, 1, 1)
OLD_END = D(2025, 11, 30)
CUT = D(2025, 12, 1)
DECREE_28_START = D(2022, 1, 1)

SRC_CODES = "programs.md §4: mã quan sát trong tệp xuất (VBSP-SCM config.py; tu-ho-so docs/DU_LIEU_THANG.md)"
SRC_2553 = "QĐ 2553/QĐ-TTg (21/11/2025), áp dụng cả dư nợ hiện hữu; programs.md §1"
NOTE_OLD = ("Mức áp dụng đến 30/11/2025 theo QĐ 2553. Ngày bắt đầu thực tế chưa rõ: 01/01/2019 là mốc đầu dữ liệu, "
            "không phải ngày văn bản (hạ một bậc độ tin cậy).")
NOTE_NEW = "Áp dụng từ 01/12/2025 cho cả dư nợ hiện hữu, không cần ký lại hồ sơ."
NOTE_MAP = "Ánh xạ nhóm lãi suất của QĐ 2553 sang mã/đối tượng này là suy luận (programs.md §1, L)."
NOTE_START = "Mức hiện hành; ngày bắt đầu chưa rõ — 01/01/2019 là mốc đầu dữ liệu (hạ một bậc độ tin cậy)."
NOTE_D28 = "NĐ 28/2022/NĐ-CP (giai đoạn 1, 2021–2025); ngày hiệu lực chính xác chưa có trong tài liệu, dùng 01/01/2022."

# code, identifier, name, export label, channel ("" = not known), legal basis, note
PROGRAMS = [
    ("01", "POOR_HOUSEHOLD", "Cho vay hộ nghèo", "HONGHEO", "ENTRUSTED",
     "Nghị định 78/2002/NĐ-CP; hướng dẫn 316/2003 của NHCSXH và các văn bản sau",
     "Không có tài sản bảo đảm, không thu phí. Hạn mức con trước đây (sửa nhà ≤3 triệu, điện ≤1,5 triệu, nước sạch "
     "≤10 triệu/công trình) chưa nạp vì không rõ thời kỳ áp dụng."),
    ("02", "STUDENT", "Cho vay học sinh, sinh viên có hoàn cảnh khó khăn", "HSSV", "ENTRUSTED",
     "QĐ 157/2007/QĐ-TTg, sửa đổi bởi QĐ 05/2022/QĐ-TTg",
     "Thời hạn = thời gian phát tiền vay + thời gian chờ (đến 12 tháng sau khi tốt nghiệp) + thời gian trả nợ; thời "
     "gian trả nợ ≤ thời gian phát tiền vay (gấp 2 nếu khóa học ≤ 1 năm). HSSV mồ côi vay trực tiếp. Cho vay HSSV "
     "ngành STEM, thạc sĩ, tiến sĩ (QĐ 29/2025/QĐ-TTg): mã và thông số chưa rõ, chưa nạp."),
    ("03", "JOB_CREATION", "Cho vay hỗ trợ tạo việc làm, duy trì và mở rộng việc làm", "GQVL", "BOTH",
     "Luật Việc làm 2013; NĐ 61/2015/NĐ-CP, sửa đổi bởi NĐ 74/2019/NĐ-CP. Từ 01/01/2026: Luật Việc làm 2025 và "
     "nghị định mới (văn bản cuối chưa rõ)",
     "Người lao động: ủy thác; vay từ nguồn do Tổng LĐLĐ quản lý và cơ sở SXKD: trực tiếp (M). Dự thảo nghị định "
     "2025 (200 triệu/người lao động, 10 tỷ/cơ sở, lãi suất 125% hộ nghèo) chưa nạp vì chưa ban hành. Hỗ trợ thêm "
     "2%/năm cho khoản vay 2022–2023 (NĐ 36/2022, M) chưa mô hình hóa: áp dụng theo ngày giải ngân, chi tiết chưa rõ."),
    ("04", "LABOR_EXPORT", "Cho vay người lao động đi làm việc ở nước ngoài theo hợp đồng", "XKLĐ", "BOTH",
     "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng 2020; NĐ 61/2015 và 74/2019; "
     "QĐ 27/2019/QĐ-TTg (huyện nghèo)",
     "Thường cho vay trực tiếp, cũng có nơi ủy thác (M). Thời hạn ≤ thời hạn hợp đồng. Dự án tỉnh Long An: 'nhóm 2' "
     "lãi suất 130% nhóm 1, tối đa 150 triệu (M, chưa nạp vì là chính sách địa phương). Cho vay ký quỹ EPS Hàn Quốc "
     "(QĐ 16/2023/QĐ-TTg, 100 triệu, không bảo đảm): mã chưa rõ, chưa nạp."),
    ("06", "CLEAN_WATER_SANITATION", "Cho vay nước sạch và vệ sinh môi trường nông thôn", "NSVSMT", "ENTRUSTED",
     "QĐ 10/2024/QĐ-TTg (hiệu lực 02/09/2024), thay thế QĐ 62/2004/QĐ-TTg",
     "Mỗi loại công trình tối đa 25 triệu/khách hàng (nước sạch + vệ sinh = 50 triệu). Quy định cũ: kỳ hạn chưa trả "
     "dồn sang kỳ sau."),
    ("07", "POOR_HOUSING", "Cho vay hộ nghèo về nhà ở", "", "ENTRUSTED",
     "QĐ 167/2008/QĐ-TTg (giai đoạn 1); QĐ 33/2015/QĐ-TTg, sửa đổi bởi QĐ 33/2019/QĐ-TTg (giai đoạn 2)",
     "Chương trình cũ: chủ yếu còn thu nợ. Giai đoạn 2: 5 năm ân hạn không trả gốc và lãi."),
    ("09", "RECENTLY_ESCAPED_POVERTY", "Cho vay hộ mới thoát nghèo", "", "ENTRUSTED",
     "QĐ 28/2015/QĐ-TTg, sửa đổi bởi QĐ 02/2021/QĐ-TTg",
     "Mức vay không vượt mức cho vay hộ nghèo cùng mục đích. Không được lưu vụ."),
    ("10", "DIFFICULT_AREA_BUSINESS", "Cho vay hộ sản xuất kinh doanh tại vùng khó khăn", "", "ENTRUSTED",
     "NĐ 78/2002/NĐ-CP; QĐ 31/2007/QĐ-TTg; danh sách địa bàn (QĐ 1010/QĐ-TTg 2018 và các quyết định sau)",
     "Không phải hộ nghèo, cận nghèo, mới thoát nghèo; không còn dư nợ GQVL hay dược liệu. Trả nợ 6 hoặc 12 "
     "tháng/kỳ; không cần bảo đảm (tờ rơi hiện hành). Quy định cũ: vay trên 50 triệu phải có 20% vốn tự có (thời kỳ "
     "chưa rõ, chưa nạp)."),
    ("12", "SOCIAL_HOUSING", "Cho vay nhà ở xã hội", "NOXH", "BOTH",
     "NĐ 100/2015/NĐ-CP (sửa đổi bởi NĐ 49/2021/NĐ-CP); NĐ 100/2024/NĐ-CP (Luật Nhà ở 2023, từ 01/08/2024)",
     "Hồ sơ nộp tại tổ nơi người vay cư trú (03a/NƠXH), hội xác nhận (03b/NƠXH), kiểm tra sử dụng vốn (06/NƠXH). "
     "Lãi suất từ 01/12/2025: chưa rõ có theo mức 6,24% hay không — chưa nạp."),
    ("15", "DIFFICULT_AREA_TRADER", "Cho vay thương nhân hoạt động thương mại tại vùng khó khăn", "", "BOTH",
     "QĐ 92/2009/QĐ-TTg",
     "Trực tiếp, một số khâu ủy thác (M). Phải có tài sản bảo đảm. Mức cho vay, thời hạn: chưa rõ."),
    ("17", "ETHNIC_MINORITY_POOR_755", "Cho vay hộ đồng bào dân tộc thiểu số nghèo (QĐ 755)", "", "",
     "QĐ 755/QĐ-TTg (tên chương trình trong tệp xuất)", "Chi tiết đối tượng, mức vay, thời hạn: chưa rõ."),
    ("19", "NEAR_POOR_HOUSEHOLD", "Cho vay hộ cận nghèo", "HCN_QD15", "ENTRUSTED", "QĐ 15/2013/QĐ-TTg",
     "Ngắn, trung, dài hạn theo chu kỳ sản xuất; tờ rơi không nêu thời hạn tối đa."),
    ("21", "ETHNIC_MINORITY_POOR_2085", "Cho vay hộ đồng bào dân tộc thiểu số (QĐ 2085)", "", "",
     "QĐ 2085/QĐ-TTg (tên chương trình trong tệp xuất)", "Chi tiết đối tượng, mức vay, thời hạn: chưa rõ."),
    ("25", "ETHNIC_MOUNTAIN_NTP", "Cho vay Chương trình MTQG phát triển KT-XH vùng đồng bào DTTS và miền núi", "",
     "ENTRUSTED", "NĐ 28/2022/NĐ-CP (giai đoạn 1, 2021–2025)",
     "Chuyển đổi nghề: tối đa bằng mức cho vay hộ nghèo; học nghề: tối đa bằng mức cho vay HSSV. Thông số giai đoạn "
     "2 (2026–2030) chưa rõ."),
    ("26", "FORMER_PRISONER", "Cho vay người chấp hành xong án phạt tù", "NCHXAPT", "",
     "QĐ 22/2023/QĐ-TTg", "Báo chí nêu khoản vay 100 triệu; mức tối đa, thời hạn, kênh: chưa rõ."),
    ("99", "OTHER", "Chương trình khác", "", "", "",
     "Danh mục mã mở: 05, 08, 11, 13, 14, 16, 18, 20, 22–24 chưa quan sát thấy."),
]

# program, code, name, channel, source, confidence, note
CATEGORIES = [
    ("02", "ORPHAN", "HSSV mồ côi (vay trực tiếp tại NHCSXH nơi trường đóng trụ sở)", "DIRECT",
     "QĐ 157/2007/QĐ-TTg; tờ rơi 'Những điều HSSV cần biết'", "H", ""),
    ("03", "WORKER", "Người lao động", "ENTRUSTED", "NĐ 61/2015/NĐ-CP, NĐ 74/2019/NĐ-CP", "M", ""),
    ("03", "ESTABLISHMENT", "Cơ sở SXKD (DN nhỏ và vừa, HTX, tổ hợp tác, hộ kinh doanh)", "DIRECT",
     "NĐ 61/2015/NĐ-CP, NĐ 74/2019/NĐ-CP", "M", ""),
    ("03", "PRIORITY", "Đối tượng ưu tiên: người khuyết tật, người DTTS ở vùng ĐBKK, cơ sở sử dụng nhiều lao động "
     "thuộc các đối tượng này (lãi suất 50%)", "", "NĐ 61/2015/NĐ-CP, NĐ 74/2019/NĐ-CP; programs.md §1", "M", ""),
    ("04", "HALF_RATE", "Người lao động thuộc hộ nghèo, người DTTS ở huyện nghèo (lãi suất 50%)", "",
     "QĐ 27/2019/QĐ-TTg; QĐ 2553/QĐ-TTg", "M", NOTE_MAP),
    ("07", "PHASE_1", "Giai đoạn 1 (QĐ 167/2008/QĐ-TTg)", "", "QĐ 167/2008/QĐ-TTg; eng.vbsp.org.vn", "H", ""),
    ("07", "PHASE_2", "Giai đoạn 2 (QĐ 33/2015/QĐ-TTg, sửa đổi QĐ 33/2019/QĐ-TTg)", "",
     "QĐ 33/2015/QĐ-TTg; baonghean.vn/en", "H", ""),
    ("12", "PURCHASE", "Mua, thuê mua nhà ở xã hội", "", "NĐ 100/2015, NĐ 100/2024; eng.vbsp.org.vn", "M", ""),
    ("12", "CONSTRUCTION", "Xây dựng mới hoặc cải tạo, sửa chữa nhà để ở", "", "NĐ 100/2015, NĐ 100/2024", "M", ""),
    ("25", "RESIDENTIAL_LAND", "Hỗ trợ đất ở", "", "NĐ 28/2022/NĐ-CP", "H", ""),
    ("25", "HOUSING", "Hỗ trợ nhà ở", "", "NĐ 28/2022/NĐ-CP", "H", ""),
    ("25", "PRODUCTION_LAND", "Hỗ trợ đất sản xuất", "", "NĐ 28/2022/NĐ-CP; QĐ 2553/QĐ-TTg", "M", NOTE_MAP),
    ("25", "OCCUPATION_CHANGE", "Chuyển đổi nghề", "", "NĐ 28/2022/NĐ-CP; QĐ 2553/QĐ-TTg", "M", NOTE_MAP),
    ("25", "VALUE_CHAIN", "Phát triển sản xuất theo chuỗi giá trị (hộ nghèo)", "", "NĐ 28/2022/NĐ-CP; QĐ 2553/QĐ-TTg",
     "M", NOTE_MAP),
    ("99", "COVID_WAGE", "Người sử dụng lao động vay trả lương ngừng việc, phục hồi sản xuất (Covid-19)", "DIRECT",
     "QĐ 15/2020/QĐ-TTg, NQ 154/NQ-CP (2020); NQ 68/NQ-CP, QĐ 23/2021/QĐ-TTg, QĐ 33/2021/QĐ-TTg", "L",
     "Xếp vào mã 99 là suy luận (mã thật chưa rõ). Lãi suất 0%/năm — không lưu được vì lãi suất cho vay phải > 0; "
     "lãi suất quá hạn 12%/năm. Chương trình đã kết thúc."),
]


def _pair(program, category, old, new, *, old_from=DATA_START, conf_new="H", conf_old="M", note_extra=""):
    """The two rows of a program under Decision 2553: old rate until 30/11/2025, new rate from 01/12/2025."""
    extra = f" {note_extra}" if note_extra else ""
    return [
        (program, category, old, old_from, OLD_END, SRC_2553, conf_old, NOTE_OLD + extra),
        (program, category, new, CUT, None, SRC_2553, conf_new, NOTE_NEW + extra),
    ]


# program, category, annual %/yr, from, to, source, confidence, note
RATES = [
    *_pair("01", None, "6.6", "6.24"),
    *_pair("02", None, "6.6", "6.24"),
    *_pair("04", None, "6.6", "6.24", note_extra="Mức chung cho người lao động đi làm việc ở nước ngoài."),
    *_pair("26", None, "6.6", "6.24", old_from=D(2023, 1, 1),
           note_extra="QĐ 22/2023/QĐ-TTg: ngày hiệu lực chính xác chưa rõ, dùng 01/01/2023."),
    *_pair("19", None, "7.92", "7.488"),
    *_pair("03", None, "7.92", "7.488"),
    *_pair("10", None, "9.0", "7.8"),
    *_pair("15", None, "9.0", "7.8"),
    *_pair("09", None, "8.25", "7.8"),
    *_pair("06", None, "9.0", "8.4"),
    *_pair("04", "HALF_RATE", "3.3", "3.12", conf_new="M", conf_old="L", note_extra=NOTE_MAP),
    *[row for cat in ("PRODUCTION_LAND", "OCCUPATION_CHANGE", "VALUE_CHAIN")
      for row in _pair("25", cat, "3.3", "3.12", old_from=DECREE_28_START, conf_new="M", conf_old="L",
                       note_extra=f"{NOTE_MAP} {NOTE_D28}")],
    # 50 % of the job-creation rate for priority groups: a calculation (programs.md §1, L).
    ("03", "PRIORITY", "3.96", DATA_START, OLD_END, "NĐ 61/2015, 74/2019 (50% lãi suất GQVL); QĐ 2553/QĐ-TTg", "L",
     "50% × 7,92% — tính toán, không phải mức công bố. " + NOTE_OLD),
    ("03", "PRIORITY", "3.744", CUT, None, "NĐ 61/2015, 74/2019 (50% lãi suất GQVL); QĐ 2553/QĐ-TTg", "L",
     "50% × 7,488% — tính toán (programs.md §1: ≈3,744%/năm, L)."),
    ("07", None, "3", DATA_START, None, "QĐ 167/2008/QĐ-TTg; QĐ 33/2015/QĐ-TTg (sửa đổi 33/2019)", "H",
     "Không thuộc QĐ 2553. Cả hai giai đoạn 3%/năm (0,25%/tháng); các quyết định có trước mốc dữ liệu 01/01/2019."),
    ("25", "RESIDENTIAL_LAND", "3", DECREE_28_START, None, "NĐ 28/2022/NĐ-CP", "M", "Không thuộc QĐ 2553. " + NOTE_D28),
    ("25", "HOUSING", "3", DECREE_28_START, None, "NĐ 28/2022/NĐ-CP", "M", "Không thuộc QĐ 2553. " + NOTE_D28),
    ("12", None, "4.8", DATA_START, D(2024, 7, 31), "QĐ 255/QĐ-TTg (2019), QĐ 532/QĐ-TTg (2021) — quyết định hằng năm",
     "M", "Chế độ cũ: mức do Thủ tướng quyết định hằng năm; các năm không nêu trong tài liệu được coi là như nhau."),
    ("12", None, "6.6", D(2024, 8, 1), OLD_END,
     "NĐ 100/2024/NĐ-CP (bằng lãi suất cho vay hộ nghèo, theo dự thảo/báo chí)", "M",
     "Từ 01/12/2025: chưa rõ có theo mức cắt giảm 6,24% hay không (programs.md §6) — để trống, không suy đoán."),
]

SRC_LEAFLETS = ("Tờ rơi 'Những điều … cần biết' của NHCSXH (vd. lamtuankiet0901/rag-serverless "
                "lambdas/embedding/data/Hộ-nghèo.md); programs.md §1.1")
# program, category, multiplier %, fixed %/yr, base includes overrides, from, to, source, confidence, note
OVERDUE_RULES = [
    (None, None, "130", None, True, DATA_START, None, SRC_LEAFLETS, "H",
     "130% lãi suất trong hạn (vd. nhà ở 3% → 3,9%). Áp dụng trên lãi suất đang áp dụng kể cả điều chỉnh theo địa "
     "bàn (giảm do bão lũ 2025) là suy luận (L): chưa có nguồn nói rõ."),
    ("99", "COVID_WAGE", None, "12", True, D(2020, 1, 1), None,
     "eng.vbsp.org.vn: guidance on lending to employers; programs.md §1.1", "H", "Lãi suất quá hạn cố định 12%/năm."),
]

STORM_NORTH_PROVINCES = ["01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37",
                         "38", "40", "42", "44", "46", "48", "51"]
STORM_CENTRAL_PROVINCES = ["52", "56", "66", "68"]
PM_RATE_PROGRAMS = [code for code, *_ in PROGRAMS if code != "99"]
COMBINATION_NOTE = (
    "programs.md §1.2: chưa rõ mức giảm 2 điểm kết hợp thế nào với mức cắt giảm lãi suất từ 01/12/2025. Quy tắc đã "
    "chọn (L): trừ 2 điểm vào lãi suất đang áp dụng từng ngày — hộ nghèo đến 30/11/2025: 6,6 − 2 = 4,6%/năm; từ "
    "01/12/2025: 6,24 − 2 = 4,24%/năm (QĐ 2553 áp dụng cho dư nợ hiện hữu; quyết định giảm 2%/năm trên lãi suất cho "
    "vay). Chương trình áp dụng: mọi chương trình có lãi suất do Thủ tướng quy định (trừ mã 99 — suy luận, M)."
)
OVERRIDES = [
    {
        "name": "Giảm 2%/năm lãi suất cho khách hàng vay vốn NHCSXH bị ảnh hưởng bởi bão số 12",
        "legal_basis": "QĐ 2654/QĐ-TTg (ký 04/12/2025)",
        "delta_points": "-2", "combination": "RATE_IN_FORCE", "combination_confidence": "L",
        "effective_from": D(2025, 10, 1), "effective_to": D(2025, 12, 31),
        "source_document": "QĐ 2654/QĐ-TTg; vietnam.vn/en/khach-hang-vay-von-chinh-sach-bi-anh-huong-sau-bao-so-12-"
                           "duoc-giam-lai-suat; programs.md §1.2",
        "confidence": "H",
        "provinces": STORM_NORTH_PROVINCES,
        "area_note": "Quyết định nêu '22 địa phương khu vực miền Bắc và Bắc Trung Bộ từ Quảng Ngãi trở ra'. Quyết "
                     "định ký 04/12/2025 nên dùng đơn vị hành chính sau sắp xếp (34 tỉnh từ 01/07/2025), không phải "
                     "63 tỉnh cũ. Ánh xạ: 22 tỉnh/thành hiện hành mã 01–51 (Hà Nội … Quảng Ngãi) — số lượng khớp "
                     "đúng 22 (suy luận, M).",
        "area_confidence": "M", "programs": PM_RATE_PROGRAMS, "programs_confidence": "M", "note": COMBINATION_NOTE,
    },
    {
        "name": "Giảm 2%/năm lãi suất cho khách hàng vay vốn NHCSXH tại các tỉnh miền Trung bị ảnh hưởng bão lũ "
                "(bão Kalmaegi)",
        "legal_basis": "NQ 380/NQ-CP (25/11/2025); QĐ 2731/QĐ-TTg (16/12/2025)",
        "delta_points": "-2", "combination": "RATE_IN_FORCE", "combination_confidence": "L",
        "effective_from": D(2025, 10, 1), "effective_to": D(2025, 12, 31),
        "source_document": "NQ 380/NQ-CP; QĐ 2731/QĐ-TTg; vietnam.vn/en/ngan-hang-chinh-sach-xa-hoi-tinh-khanh-hoa-"
                           "tiep-suc-de-nguoi-dan-tai-san-xuat; en.sggp.org.vn/governments-bank-cuts-interest-rate-"
                           "for-storm-affected-customers-post122565.html; programs.md §1.2",
        "confidence": "H",
        "provinces": STORM_CENTRAL_PROVINCES,
        "area_note": "programs.md chỉ nêu 'các tỉnh miền Trung bị ảnh hưởng bão'. QĐ 2731/QĐ-TTg (thực hiện NQ 380) "
                     "nêu 4 tỉnh Khánh Hòa, Gia Lai, Đắk Lắk, Lâm Đồng — tên tỉnh sau sắp xếp — theo en.sggp.org.vn "
                     "(một nguồn báo chí, M). Bài báo ghi 'đến 3/12', nhiều khả năng lỗi đánh máy: programs.md và "
                     "bài về Khánh Hòa ghi đến 31/12/2025.",
        "area_confidence": "M", "programs": PM_RATE_PROGRAMS, "programs_confidence": "M", "note": COMBINATION_NOTE,
    },
]

SRC_QUIZ = "[Staff quiz] (câu hỏi nghiệp vụ ủy thác); programs.md §3"
SRC_TERMS = ("Tờ rơi 'Những điều hộ nghèo cần biết' (ngắn hạn ≤12, trung hạn 12–60, dài hạn 60–120 tháng); "
             "programs.md §2")
SRC_597 = ("CV 597/NHCS-TDNN (30/01/2026) theo tu-ho-so docs/DU_LIEU_THANG.md; [Staff quiz]; process.md §3.3; "
           "programs.md §3")
GENERAL = "Áp dụng chung cho các chương trình (suy luận từ tờ rơi hộ nghèo, M)."
NOTE_BY_DISBURSEMENT = "Chọn theo ngày giải ngân của món vay."
SRC_01 = "Tờ rơi hộ nghèo; eng.vbsp.org.vn poor-households-lending; programs.md §2"
SRC_02 = "QĐ 05/2022/QĐ-TTg (cho khoản giải ngân từ 19/05/2022); lawnet.vn; tờ rơi HSSV; programs.md §2"
SRC_03 = "NĐ 61/2015, 74/2019 (en.sggp.org.vn, Decree 74/2019); programs.md §2"
SRC_06 = "QĐ 10/2024/QĐ-TTg (hiệu lực 02/09/2024); news.laodong.vn; programs.md §2"
SRC_07_1 = "QĐ 167/2008/QĐ-TTg; eng.vbsp.org.vn lending-in-accordance-to-decision-no1672008; programs.md §2"
SRC_07_2 = "QĐ 33/2015/QĐ-TTg (sửa đổi 33/2019); baonghean.vn/en; programs.md §2"
SRC_09 = "QĐ 28/2015/QĐ-TTg, QĐ 02/2021/QĐ-TTg; eng.vbsp.org.vn; programs.md §2–§3"
SRC_10 = "QĐ 31/2007/QĐ-TTg; tờ rơi hộ SXKD vùng khó khăn; programs.md §2–§3"
SRC_12 = "NĐ 100/2015, NĐ 100/2024; eng.vbsp.org.vn (social housing 2025); [tu-ho-so]; programs.md §2–§3"
SRC_25 = "NĐ 28/2022/NĐ-CP; eng.vbsp.org.vn residential-land, production-land; programs.md §2"
PHASE_1_END = D(2025, 12, 31)
MILLION = 1_000_000

# program, category, kind, value, from, to, source, confidence, note
LIMITS = [
    (None, None, "SHORT_TERM_MAX_MONTHS", 12, DATA_START, None, SRC_TERMS, "M", GENERAL),
    (None, None, "MEDIUM_TERM_MAX_MONTHS", 60, DATA_START, None, SRC_TERMS, "M", GENERAL),
    (None, None, "EXTENSION_SHORT_TERM_MAX_MONTHS", 12, DATA_START, None, SRC_QUIZ, "M",
     "Gia hạn nợ ngắn hạn ≤ 12 tháng."),
    (None, None, "EXTENSION_MAX_PERCENT_OF_TERM", Decimal(50), DATA_START, None, SRC_QUIZ + "; [tu-ho-so]", "M",
     "Trung, dài hạn: gia hạn tối đa ½ thời hạn cho vay (món 48 tháng → 24 tháng)."),
    (None, None, "INSTALLMENT_REGIME", "ROLL_INTO_NEXT", DATA_START, D(2026, 2, 28), SRC_597, "M",
     "Món giải ngân trước 01/03/2026: kỳ hạn chưa trả dồn sang kỳ sau, không chuyển quá hạn từng phần. "
     + NOTE_BY_DISBURSEMENT),
    (None, None, "INSTALLMENT_REGIME", "AUTO_OVERDUE", D(2026, 3, 1), None, SRC_597, "M",
     "Món giải ngân từ 01/03/2026: kỳ hạn chưa trả, chưa điều chỉnh tự chuyển quá hạn. " + NOTE_BY_DISBURSEMENT),
    ("01", None, "MAX_AMOUNT_PER_HOUSEHOLD", 100 * MILLION, DATA_START, None, SRC_01, "M",
     NOTE_START + " Mức trần đã từng được nâng (eng.vbsp.org.vn increasing-the-maximum-loan-size-…)."),
    ("01", None, "MAX_TERM_MONTHS", 120, DATA_START, None, SRC_01, "M", NOTE_START),
    ("01", None, "ROLLOVER", "ALLOWED", DATA_START, None, SRC_01, "M", "Lưu vụ theo lãi suất hiện hành. " + NOTE_START),
    ("02", None, "MAX_AMOUNT_PER_MONTH", 4 * MILLION, D(2022, 5, 19), None, SRC_02, "H",
     "4 triệu/tháng/HSSV. " + NOTE_BY_DISBURSEMENT + " Mức trước 19/05/2022: chưa có trong tài liệu."),
    ("02", None, "MAX_AMOUNT_PER_SCHOOL_YEAR", 40 * MILLION, D(2022, 5, 19), None, SRC_02, "H",
     NOTE_BY_DISBURSEMENT),
    ("02", None, "GRACE_AFTER_GRADUATION_MONTHS", 12, DATA_START, None, SRC_02, "M", NOTE_START),
    ("02", None, "INSTALLMENT_MAX_INTERVAL_MONTHS", 6, DATA_START, None, SRC_02, "M",
     "Trả nợ tối đa 6 tháng/lần. " + NOTE_START),
    ("02", None, "EXTENSION_MAX_PERCENT_OF_REPAYMENT", Decimal(50), DATA_START, None,
     "Tờ rơi 'Những điều HSSV cần biết'; programs.md §3", "M", "Gia hạn tối đa ½ thời hạn trả nợ. " + NOTE_START),
    ("03", "WORKER", "MAX_AMOUNT_PER_BORROWER", 100 * MILLION, DATA_START, None, SRC_03, "M",
     NOTE_START + " Luật Việc làm 2025 (từ 01/01/2026): nghị định mới chưa rõ."),
    ("03", "ESTABLISHMENT", "MAX_AMOUNT_PER_PROJECT", 2000 * MILLION, DATA_START, None, SRC_03, "M", NOTE_START),
    ("03", "ESTABLISHMENT", "MAX_AMOUNT_PER_JOB", 100 * MILLION, DATA_START, None, SRC_03, "M", NOTE_START),
    ("03", "ESTABLISHMENT", "COLLATERAL_THRESHOLD", 100 * MILLION, DATA_START, None, SRC_03, "M",
     "Cơ sở SXKD vay từ 100 triệu phải có tài sản bảo đảm. " + NOTE_START),
    ("03", None, "MAX_TERM_MONTHS", 120, DATA_START, None, SRC_03, "M", NOTE_START),
    ("04", None, "MAX_PERCENT_OF_COST", Decimal(100), DATA_START, None,
     "NĐ 61/2015, 74/2019; Luật NLĐ đi làm việc ở nước ngoài 2020; programs.md §2", "L",
     "Tối đa 100% chi phí theo hợp đồng (M). " + NOTE_START),
    ("04", None, "COLLATERAL_THRESHOLD", 100 * MILLION, DATA_START, None, "Báo chí 2019; programs.md §2", "L",
     "Vay từ 100 triệu phải có tài sản bảo đảm (M). " + NOTE_START),
    ("06", None, "MAX_AMOUNT_PER_WORK", 10 * MILLION, DATA_START, D(2024, 9, 1), "QĐ 62/2004/QĐ-TTg; programs.md §2",
     "M", "Trước 09/2024: 10 triệu/công trình. " + NOTE_START),
    ("06", None, "MAX_AMOUNT_PER_WORK", 25 * MILLION, D(2024, 9, 2), None, SRC_06, "H",
     "25 triệu/loại công trình/khách hàng (nước sạch + vệ sinh = 50 triệu)."),
    ("06", None, "MAX_TERM_MONTHS", 60, D(2024, 9, 2), None, SRC_06, "H",
     "Thời hạn trước 09/2024: chưa có trong tài liệu."),
    ("07", "PHASE_1", "MAX_AMOUNT_PER_LOAN", 8 * MILLION, DATA_START, None, SRC_07_1, "H",
     "Chương trình cũ (chỉ thu nợ)."),
    ("07", "PHASE_1", "MAX_TERM_MONTHS", 120, DATA_START, None, SRC_07_1, "H", "10 năm, gồm 5 năm ân hạn."),
    ("07", "PHASE_1", "GRACE_MONTHS", 60, DATA_START, None, SRC_07_1, "H", ""),
    ("07", "PHASE_2", "MAX_AMOUNT_PER_LOAN", 25 * MILLION, DATA_START, None, SRC_07_2, "H", ""),
    ("07", "PHASE_2", "MAX_TERM_MONTHS", 180, DATA_START, None, SRC_07_2, "H", "15 năm."),
    ("07", "PHASE_2", "GRACE_MONTHS", 60, DATA_START, None, SRC_07_2, "H", "5 năm ân hạn: không trả gốc và lãi."),
    ("07", "PHASE_2", "MIN_ANNUAL_REPAYMENT_PERCENT", Decimal(10), DATA_START, None, SRC_07_2, "H",
     "Từ năm thứ 6 trả tối thiểu 10% số tiền đã vay mỗi năm."),
    ("09", None, "MAX_AMOUNT_PER_HOUSEHOLD", 100 * MILLION, DATA_START, None, SRC_09, "M",
     "Không vượt mức cho vay hộ nghèo cùng mục đích. " + NOTE_START),
    ("09", None, "MAX_TERM_MONTHS", 60, DATA_START, None, SRC_09, "M", NOTE_START),
    ("09", None, "ROLLOVER", "NOT_ALLOWED", DATA_START, None, SRC_09, "M", NOTE_START),
    ("09", None, "POVERTY_EXIT_WINDOW_MONTHS", 36, DATA_START, None, SRC_09, "M",
     "Ra khỏi danh sách hộ nghèo, cận nghèo trong vòng 3 năm. " + NOTE_START),
    ("10", None, "MAX_AMOUNT_PER_BORROWER", 100 * MILLION, DATA_START, None, SRC_10, "M", NOTE_START),
    ("10", None, "ROLLOVER", "SHORT_TERM_ONLY", DATA_START, None, SRC_10 + "; [Staff quiz]", "M", ""),
    ("12", "PURCHASE", "MAX_PERCENT_OF_COST", Decimal(80), DATA_START, None, SRC_12, "L",
     "Tối đa 80% giá trị hợp đồng mua, thuê mua (M). " + NOTE_START),
    ("12", "CONSTRUCTION", "MAX_PERCENT_OF_COST", Decimal(70), DATA_START, None, SRC_12, "L",
     "Tối đa 70% dự toán (M). " + NOTE_START),
    ("12", "CONSTRUCTION", "MAX_AMOUNT_PER_LOAN", 500 * MILLION, DATA_START, D(2024, 7, 31), SRC_12, "L",
     "Chế độ cũ (trước NĐ 100/2024) (M). " + NOTE_START),
    ("12", None, "MIN_OWN_CAPITAL_PERCENT", Decimal(30), DATA_START, D(2024, 7, 31), SRC_12, "L",
     "Chế độ cũ (M). " + NOTE_START),
    ("12", None, "MAX_TERM_MONTHS", 300, D(2024, 8, 1), None, SRC_12, "L", "Đến 25 năm (dự thảo/báo chí, M)."),
    ("12", None, "INSTALLMENT_MAX_INTERVAL_MONTHS", 6, DATA_START, None, SRC_12, "L",
     "Trả gốc 6 tháng/lần trong thực tế (M). " + NOTE_START),
    ("12", None, "EXTENSION_MAX_MONTHS", 24, DATA_START, None, SRC_QUIZ, "L",
     "Ví dụ gia hạn 2 năm trong [Staff quiz] (M), không phải văn bản quy định. " + NOTE_START),
    ("15", None, "MIN_OWN_CAPITAL_PERCENT", Decimal(20), DATA_START, None,
     "QĐ 92/2009/QĐ-TTg; eng.vbsp.org.vn traders-in-disadvantaged-areas; programs.md §2", "L",
     "Vốn tự có ≥ 20% (M). " + NOTE_START),
    ("17", None, "EXTENSION_MAX_MONTHS", 30, DATA_START, None,
     "[VBSP-SCM] services/kiem_soat_service.py (kiểm tra 'gia hạn vượt quy định'); programs.md §3", "L",
     "HEURISTIC: cách một chi nhánh lập trình phép kiểm tra, không phải quy định."),
    ("19", None, "MAX_AMOUNT_PER_HOUSEHOLD", 100 * MILLION, DATA_START, None,
     "QĐ 15/2013/QĐ-TTg; tờ rơi hộ cận nghèo; programs.md §2", "M", NOTE_START),
    ("25", "RESIDENTIAL_LAND", "MAX_AMOUNT_PER_LOAN", 50 * MILLION, DECREE_28_START, PHASE_1_END, SRC_25, "M",
     NOTE_D28),
    ("25", "HOUSING", "MAX_AMOUNT_PER_LOAN", 40 * MILLION, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "PRODUCTION_LAND", "MAX_AMOUNT_PER_LOAN", 77_500_000, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "RESIDENTIAL_LAND", "MAX_TERM_MONTHS", 180, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "HOUSING", "MAX_TERM_MONTHS", 180, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "PRODUCTION_LAND", "MAX_TERM_MONTHS", 120, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "OCCUPATION_CHANGE", "MAX_TERM_MONTHS", 120, DECREE_28_START, PHASE_1_END, SRC_25, "M", NOTE_D28),
    ("25", "RESIDENTIAL_LAND", "GRACE_MONTHS", 60, DECREE_28_START, PHASE_1_END, SRC_25, "L",
     "Không trả gốc 5 năm đầu 'đối với đất' — tài liệu không rõ đất ở hay đất sản xuất (L). " + NOTE_D28),
    ("99", "COVID_WAGE", "MAX_TERM_MONTHS", 12, D(2020, 1, 1), None,
     "QĐ 15/2020, 23/2021, 33/2021; eng.vbsp.org.vn guidance-on-lending-to-employers", "M",
     "Chương trình cũ; ngày hiệu lực chính xác chưa rõ, dùng 01/01/2020."),
]

UNIT_FIELD = {int: "months", Decimal: "percent", str: "choice"}
AMOUNT_KINDS_PREFIX = ("MAX_AMOUNT", "COLLATERAL")


def _value_field(kind: str, value) -> str:
    if kind.startswith(AMOUNT_KINDS_PREFIX):
        return "amount_vnd"
    return UNIT_FIELD[type(value)]


def load(apps, schema_editor) -> None:
    """Insert the reference rows (idempotent: rows already present by their natural key are left as they are)."""
    program_model = apps.get_model("programs", "CreditProgram")
    category_model = apps.get_model("programs", "BeneficiaryCategory")
    rate_model = apps.get_model("programs", "ProgramRate")
    overdue_model = apps.get_model("programs", "OverdueRateRule")
    override_model = apps.get_model("programs", "RateOverride")
    limit_model = apps.get_model("programs", "ProgramLimit")
    province_model = apps.get_model("geography", "Province")

    programs = {}
    for code, identifier, name, label, channel, legal, note in PROGRAMS:
        programs[code], _ = program_model.objects.get_or_create(code=code, defaults={
            "identifier": identifier, "name": name, "export_label": label, "channel": channel, "legal_basis": legal,
            "code_source": SRC_CODES, "code_confidence": "M", "note": note,
        })
    categories = {}
    for program, code, name, channel, source, confidence, note in CATEGORIES:
        categories[program, code], _ = category_model.objects.get_or_create(
            program=programs[program], code=code,
            defaults={"name": name, "channel": channel, "source_document": source, "confidence": confidence,
                      "note": note},
        )

    def scope(program, category):
        return {"program": programs[program] if program else None,
                "category": categories[program, category] if category else None}

    for program, category, rate, start, end, source, confidence, note in RATES:
        rate_model.objects.get_or_create(**scope(program, category), effective_from=start, defaults={
            "annual_rate": Decimal(rate), "effective_to": end, "source_document": source, "confidence": confidence,
            "note": note,
        })
    for program, category, multiplier, fixed, on_overrides, start, end, source, confidence, note in OVERDUE_RULES:
        overdue_model.objects.get_or_create(**scope(program, category), effective_from=start, defaults={
            "multiplier_percent": Decimal(multiplier) if multiplier else None,
            "fixed_annual_rate": Decimal(fixed) if fixed else None, "base_includes_overrides": on_overrides,
            "effective_to": end, "source_document": source, "confidence": confidence, "note": note,
        })
    for data in OVERRIDES:
        values = dict(data)
        province_codes, program_codes = values.pop("provinces"), values.pop("programs")
        values["delta_points"] = Decimal(values["delta_points"])
        override, created = override_model.objects.get_or_create(legal_basis=values.pop("legal_basis"), defaults=values)
        if created:
            override.provinces.set(province_model.objects.filter(code__in=province_codes))
            override.programs.set([programs[code] for code in program_codes])
    for program, category, kind, value, start, end, source, confidence, note in LIMITS:
        limit_model.objects.get_or_create(**scope(program, category), kind=kind, effective_from=start, defaults={
            _value_field(kind, value): value, "effective_to": end, "source_document": source,
            "confidence": confidence, "note": note,
        })
