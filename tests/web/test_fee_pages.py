"""Fee pages: scoped lists and details, the computation shown line by line, print and XLSX, paying at a session,
schedules (public) and publishing (administrator only)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.fees.support import PERIOD, out_of_scope_fee_statement, snap
from tests.loans.support import ensure_reference_data
from tests.pages import text
from uythac.closing.scope import scope_parse
from uythac.core.periods import Period
from uythac.fees.models import CommissionStatement, FeeSchedule, FeeStatement, StatementStatus
from uythac.fees.statements import fees_compute
from uythac.transaction_sessions.services import session_open


@pytest.fixture
def data(world):
    w = world
    snap(w, w.group_a, current=800_000_000, interest=6_000_000)
    snap(w, w.group_a, overdue=20_000_000)  # 20e6 / 820e6 = 2.4390 % → 80 %
    snap(w, w.group_b, current=100_000_000, interest=1_000_000)
    fees_compute(actor=w.admin, period=Period.parse(PERIOD), scope=scope_parse("01"))
    w.fee = FeeStatement.objects.get(association_unit=w.unit_a["11"])
    w.commission = CommissionStatement.objects.get(group=w.group_a)
    w.commission_b = CommissionStatement.objects.get(group=w.group_b)
    w.foreign = out_of_scope_fee_statement(w)
    return w


def test_list_is_scoped(data, client):
    client.force_login(data.commune_association)  # HND commune A
    page = text(client.get("/fees/", {"period": PERIOD}))
    assert "11-C-00070" in page and "11-C-00004" not in page and "11-C-" + data.commune_c.code not in page
    assert "204.800 đ" in page  # 256 000 × 80 %
    client.force_login(data.branch_staff)
    page = text(client.get("/fees/", {"organization": "11"}))
    assert "11-C-00070" in page and "11-C-00004" in page and data.unit_c["11"].code not in page
    assert "tạm tính" in page


def test_detail_explains_the_computation(data, client):
    client.force_login(data.credit_officer)
    response = client.get(f"/fees/{data.fee.pk}/")
    page = text(response)
    assert response.status_code == 200
    for shown in ("2,4390%", "256.000 đ", "204.800 đ", "từ 2% đến dưới 3%", "tạm tính", "trong mức trần",
                  "Hội cấp xã", "172.032 đ"):
        assert shown in page, shown


@pytest.mark.parametrize("persona", ["branch_staff", "pgd_staff", "credit_officer", "province_association",
                                     "commune_association", "group_leader", "commune_viewer"])
def test_out_of_scope_answers_404(data, client, persona):
    client.force_login(getattr(data, persona))
    for url in (f"/fees/{data.foreign.pk}/", f"/fees/{data.foreign.pk}/print/", f"/fees/{data.foreign.pk}/xlsx/"):
        assert client.get(url).status_code == 404
    assert client.get("/fees/999999/").status_code == 404


def test_group_leader_sees_own_commission_only(data, client):
    client.force_login(data.group_leader)
    page = text(client.get(f"/commissions/{data.commission.pk}/"))
    assert "690.000 đ" in page  # 6 000 000 × 11.5 %
    assert client.get(f"/commissions/{data.commission_b.pk}/").status_code == 404


def test_print_and_xlsx(data, client):
    client.force_login(data.pgd_staff)
    page = text(client.get(f"/fees/{data.fee.pk}/print/"))
    assert "Bảng kê phí ủy thác và hoa hồng tháng 12/2020" in page and "690.000" in page
    response = client.get(f"/fees/{data.fee.pk}/xlsx/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["Số tiền phải chi trả"] == 204_800 and values["0000001"] == 6_000_000


def test_pay_at_a_session(data, client):
    w = data
    ensure_reference_data()
    session = session_open(actor=w.credit_officer, point=w.point_a, session_date=dt.date(2021, 1, 12),
                           team_leader=w.credit_officer, teller=w.pgd_staff, opening_cash=5_000_000)
    client.force_login(w.commune_viewer)
    assert client.post(f"/fees/{w.fee.pk}/pay/", {"session": session.pk, "amount": 204_800}).status_code == 403
    client.force_login(w.credit_officer)
    assert f'value="{session.pk}"' in text(client.get(f"/fees/{w.fee.pk}/"))
    response = client.post(f"/fees/{w.fee.pk}/pay/", {"session": session.pk, "amount": 1})
    assert "đúng bằng" in text(client.get(response["Location"]))
    client.post(f"/fees/{w.fee.pk}/pay/", {"session": session.pk, "amount": "204.800"})
    w.fee.refresh_from_db()
    assert w.fee.status == StatementStatus.PAID and w.fee.paid_session == session


def test_schedules_public_and_publish_for_admin(data, client):
    client.force_login(data.commune_viewer)
    assert "TAMTINH-2015" in text(client.get("/fee-schedules/"))
    page = text(client.get("/fee-schedules/TAMTINH-2015/"))
    assert "0,125" in page and "tạm tính" in page
    assert client.get("/fee-schedules/new/").status_code == 403
    client.force_login(data.admin)
    form = {"code": "QD-2027", "name": "Biểu phí 2027", "effective_from": "01/01/2027", "base_rate": "0.1",
            "commission_rate": "11.5", "bands": "0;2;100\n2;3;80\n3;4;50\n4;;0", "shares": "COMMUNE;84\nPROVINCE;16",
            "program_rates": "12;0.003;0.005", "source_document": "Kiểm thử", "confidence": "M",
            "commission_confidence": "U"}
    count = FeeSchedule.objects.count()
    response = client.post("/fee-schedules/new/", form)
    assert response.status_code == 400 and "vượt mức trần" in text(response)
    assert FeeSchedule.objects.count() == count
    response = client.post("/fee-schedules/new/", {**form, "base_rate": "0.032"})
    assert response.status_code == 302 and FeeSchedule.objects.filter(code="QD-2027").exists()
