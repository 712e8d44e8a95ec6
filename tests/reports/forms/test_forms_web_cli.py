"""The download routes (guarded fetch: out of scope = 404, bad option = 400) and ``uythac form``."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.reports.forms.helpers import docx_parts, pdf_pages
from tests.reports.forms.support import out_of_scope_review_meeting
from tests.support_loan_pages import out_of_scope_loan
from uythac.loans.models import ReviewItem

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_group_forms_download_for_the_credit_officer(scene, client):
    w = scene.world
    client.force_login(w.credit_officer)
    response = client.get(reverse("group-form-13td-pdf", args=["0000001"]), {"period": "2025-04"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="13TD_0000001_2025-04.pdf"'
    assert "168.164" in pdf_pages(response.content)[0]
    response = client.get(reverse("group-form-15td-docx", args=["0000001"]), {"date": "2025-04-30"})
    assert (response.status_code, response["Content-Type"]) == (200, DOCX)
    assert response["Content-Disposition"] == 'attachment; filename="15TD_0000001_20250430.docx"'
    assert docx_parts(response.content)["rows"][2][3:6] == ["30.000.000", "271.233", "600.000"]
    response = client.get(reverse("group-form-due-notice-docx", args=["1"]), {"period": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="TBNDH_0000001_2026-03.docx"'


def test_loan_application_and_meeting_forms_download(scene, client):
    w = scene.world
    client.force_login(w.pgd_staff)
    application = scene.loan.application
    response = client.get(reverse("application-form-04td-pdf", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="04TD_{application.pk}_20250303.pdf"'
    meeting = ReviewItem.objects.get(application=application).meeting
    response = client.get(reverse("review-meeting-form-03td-docx", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    # No transfer to overdue yet: a clear refusal, no file.
    response = client.get(reverse("loan-form-14td-pdf", args=[scene.loan.loan_number]), {"date": "2025-05-01"})
    assert response.status_code == 400
    assert "chưa có khoản nợ chuyển quá hạn" in response.content.decode()


def test_bad_options_answer_400(scene, client):
    client.force_login(scene.world.credit_officer)
    response = client.get(reverse("group-form-13td-pdf", args=["0000001"]), {"period": "04/2025"})
    assert response.status_code == 400
    assert response.content.decode() == "Kỳ «04/2025» không đúng dạng YYYY-MM."
    response = client.get(reverse("group-form-15td-pdf", args=["0000001"]), {"date": "2999-01-01"})
    assert response.status_code == 400


def test_out_of_scope_objects_answer_404(scene, client):
    w = scene.world
    client.force_login(w.credit_officer)
    for name, key in (
        ("group-form-13td-pdf", w.group_c.code),
        ("group-form-15td-docx", w.group_c.code),
        ("group-form-due-notice-pdf", w.group_c.code),
        ("loan-form-14td-pdf", out_of_scope_loan(w).loan_number),
        ("application-form-04td-docx", out_of_scope_loan(w).application_id),
        ("review-meeting-form-03td-pdf", out_of_scope_review_meeting(w).pk),
        ("group-form-13td-pdf", "7777777"),
    ):
        assert client.get(reverse(name, args=[key])).status_code == 404, name
    # The women's group of the same commune is outside the Farmers' Union officer's scope.
    client.force_login(w.commune_association)
    assert client.get(reverse("group-form-13td-pdf", args=[w.group_a_women.code])).status_code == 404
    assert client.get(reverse("group-form-13td-pdf", args=[w.group_a.code])).status_code == 200


def test_group_page_shows_the_download_links(scene, client):
    client.force_login(scene.world.credit_officer)
    body = client.get(reverse("group-detail", args=["0000001"])).content.decode()
    for name in ("group-form-13td-docx", "group-form-15td-pdf", "group-form-due-notice-pdf"):
        assert reverse(name, args=["0000001"]) in body
    meeting = ReviewItem.objects.get(application=scene.loan.application).meeting
    assert reverse("review-meeting-form-03td-pdf", args=[meeting.pk]) in body


# --- uythac form ----------------------------------------------------------------------------------------------------


def test_cli_writes_the_form(scene, tmp_path, capsys):
    out = tmp_path / "13td.docx"
    call_command("form", "13td", "--group", "0000001", "--period", "2025-04", "--format", "docx", "--out", str(out))
    assert docx_parts(out.read_bytes())["rows"][1][3] == "168.164"
    assert "Đã ghi Mẫu số 13/TD vào" in capsys.readouterr().err
    out = tmp_path / "03td.pdf"
    meeting = ReviewItem.objects.get(application=scene.loan.application).meeting
    call_command(
        "form",
        "03td",
        "--meeting",
        str(meeting.pk),
        "--format",
        "pdf",
        "--out",
        str(out),
        "--user",
        scene.world.credit_officer.username,
    )
    assert "Chăn nuôi bò sinh sản" in pdf_pages(out.read_bytes())[0]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["13td", "--group", "0000001", "--period", "2025/04", "--format", "pdf"],
            "Kỳ «2025/04» không đúng dạng YYYY-MM.",
        ),
        (["13td", "--group", "0000001", "--format", "odt"], "Định dạng phải là docx hoặc pdf."),
        (["14td", "--group", "0000001", "--format", "pdf"], "Mẫu 14td cần --loan."),
        (["15td", "--group", "9999999", "--format", "pdf"], "Không có tổ TK&VV mã «9999999»."),
        (
            ["15td", "--group", "0000001", "--date", "2025-13-01", "--format", "pdf"],
            "Ngày «2025-13-01» không đúng dạng YYYY-MM-DD.",
        ),
        (["xx", "--format", "pdf"], "Thiếu hoặc sai loại mẫu biểu"),
    ],
)
def test_cli_errors_write_nothing(scene, tmp_path, capsys, arguments, message):
    out = tmp_path / "form.out"
    with pytest.raises(SystemExit) as exit_info:
        call_command("form", *arguments, "--out", str(out))
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_out_of_scope_for_a_user(scene, tmp_path, capsys):
    out = tmp_path / "form.pdf"
    with pytest.raises(SystemExit):
        call_command(
            "form",
            "15td",
            "--group",
            scene.world.group_c.code,
            "--format",
            "pdf",
            "--out",
            str(out),
            "--user",
            scene.world.credit_officer.username,
            "--date",
            dt.date(2025, 4, 30).isoformat(),
        )
    assert "Không tìm thấy đối tượng 0000079" in capsys.readouterr().err
    assert not out.exists()


def test_loan_and_notice_pages_show_the_download_links(scene, client):
    from tests.loans.support import disbursed_loan, make_poor
    from uythac.loans.services_changes import overdue_transfer

    w = scene.world
    client.force_login(w.pgd_staff)
    loan_url = reverse("loan-form-14td-pdf", args=[scene.loan.loan_number])
    assert loan_url not in client.get(reverse("loan-detail", args=[scene.loan.loan_number])).content.decode()
    make_poor(w.household_a_women, 2025)
    loan = disbursed_loan(w, household=w.household_a_women, group=w.group_a_women, term=12, amount=10_000_000)
    overdue_transfer(loan=loan, as_of=dt.date(2026, 3, 13))
    body = client.get(reverse("loan-detail", args=[loan.loan_number])).content.decode()
    assert reverse("loan-form-14td-docx", args=[loan.loan_number]) in body
    application = scene.loan.application
    body = client.get(reverse("application-notice-print", args=[application.pk])).content.decode()
    assert reverse("application-form-04td-pdf", args=[application.pk]) in body
    body = client.get(reverse("application-detail", args=[application.pk])).content.decode()
    meeting = ReviewItem.objects.get(application=application).meeting
    assert reverse("review-meeting-form-03td-docx", args=[meeting.pk]) in body
