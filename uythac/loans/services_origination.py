"""Origination: application 01/TD → review meeting (10C/TD, 03/TD) → commune confirmation → complete dossier and
approval within 3 working days → notice 04/TD (process.md §3.1). Disbursement is in ``services_disbursement``."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from uythac.accounts.access import access_office
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, fetch_referenced, format_date
from uythac.core.periods import add_working_days
from uythac.core.rules import rule_value
from uythac.groups.access import access_group
from uythac.groups.models import GroupMeeting, MeetingKind
from uythac.groups.selectors import group_members_on
from uythac.households.access import access_household
from uythac.loans.access import GROUP_SIDE_WRITERS, LOAN_WRITERS, require_loan_writer
from uythac.loans.eligibility import check_eligibility, check_not_moved_away, membership_on, public_holidays, vnd
from uythac.loans.models import (
    ApplicationStatus,
    ApplicationStatusChange,
    CapitalSource,
    LoanApplication,
    LoanChannel,
    ReviewItem,
    ReviewMeeting,
)
from uythac.loans.services_common import clean_amount
from uythac.programs.models import Channel
from uythac.programs.selectors import category_get, program_get

PENDING = [ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED, ApplicationStatus.CONFIRMED,
           ApplicationStatus.COMPLETE, ApplicationStatus.APPROVED, ApplicationStatus.NOTIFIED]
APPROVAL_DAYS_RULE = "loans.approval.working_days"


@dataclass(frozen=True)
class ReviewDecision:
    """One application as decided in a review meeting: agreed (with the amount) or not."""

    application: LoanApplication
    agreed: bool
    amount: int | None = None
    note: str = ""


def _group_for_write(actor, group):
    """The group, inside the actor's scope, for a group-side write (application, review meeting)."""
    if getattr(actor, "role", None) not in LOAN_WRITERS | GROUP_SIDE_WRITERS:
        raise DomainError(_("Bạn không có quyền lập hồ sơ vay vốn."), field="group")
    try:
        return fetch_referenced(
            access_group, actor, group, field="group", message=_("Tổ «%(code)s» không thuộc phạm vi quản lý của bạn."),
            empty=_("Chưa chọn tổ TK&VV."), for_meeting=True,
        )
    except PermissionDenied:
        raise DomainError(_("Bạn không có quyền lập hồ sơ vay vốn cho tổ này."), field="group") from None


def _transition(application: LoanApplication, to_status: str, on: dt.date, actor, note: str = "") -> None:
    ApplicationStatusChange.objects.create(
        application=application, from_status=application.status, to_status=to_status, changed_on=on,
        actor=actor if getattr(actor, "pk", None) else None, note=note[:255],
    )
    application.status = to_status


def _lock(application) -> LoanApplication:
    found = (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("household", "group", "program", "office")
        .filter(pk=getattr(application, "pk", application)).first()
    )
    if found is None:
        raise DomainError(_("Không tìm thấy giấy đề nghị vay vốn."), field="application")
    return found


def _require_status(application: LoanApplication, allowed, action: str) -> None:
    if application.status not in allowed:
        raise DomainError(
            _("Không thể %(action)s: giấy đề nghị #%(id)s đang ở trạng thái «%(status)s».")
            % {"action": action, "id": application.pk, "status": application.get_status_display()},
            field="application",
        )


def _audit(actor, action: str, application: LoanApplication, before: dict | None) -> None:
    parent = application.group if application.group_id else application.household
    audit_event_record(actor=actor, action=action, instance=application, before=before,
                       after=snapshot(application), parent=parent)


def _resolve_program(program, category):
    program = program_get(program)
    return program, category_get(program, category)


@transaction.atomic
def application_submit(
    *, actor, household, program, requested_amount: int, term_months: int, purpose: str, submitted_on: dt.date,
    group=None, category=None, office=None, use_of_funds_plan: str = "", installment_frequency_months=None,
    capital_source: str = CapitalSource.CENTRAL,
) -> LoanApplication:
    """Record a 01/TD. With ``group``: entrusted, submitted to the group leader (leaders, associations and bank
    staff of that group may record it). Without: direct lending at ``office`` (bank staff only)."""
    if group not in (None, ""):
        group = _group_for_write(actor, group)
        office = group.transaction_point.office
        channel = LoanChannel.ENTRUSTED
    else:
        if getattr(actor, "role", None) not in LOAN_WRITERS:
            raise DomainError(_("Chỉ cán bộ ngân hàng được lập hồ sơ vay trực tiếp; hồ sơ ủy thác cần chọn tổ."),
                              field="group")
        office = fetch_referenced(access_office, actor, office, field="office",
                                  message=_("Phòng giao dịch «%(code)s» không thuộc phạm vi quản lý của bạn."),
                                  empty=_("Chưa chọn phòng giao dịch cho hồ sơ vay trực tiếp."))
        channel = LoanChannel.DIRECT
    household = fetch_referenced(access_household, actor, household, field="household",
                                 message=_("Hộ «%(code)s» không thuộc phạm vi quản lý của bạn."),
                                 empty=_("Chưa chọn hộ vay."), attr="customer_code")
    if channel == LoanChannel.DIRECT:
        require_loan_writer(actor, household.commune_id, field="household")
    program, category = _resolve_program(program, category)
    allowed = (category.channel if category is not None and category.channel else program.channel) or Channel.BOTH
    if allowed == Channel.DIRECT and channel == LoanChannel.ENTRUSTED:
        raise DomainError(_("Chương trình %(program)s chỉ cho vay trực tiếp tại ngân hàng, không qua tổ.")
                          % {"program": program.code}, field="group")
    if allowed == Channel.ENTRUSTED and channel == LoanChannel.DIRECT:
        raise DomainError(_("Chương trình %(program)s cho vay ủy thác: cần chọn tổ TK&VV.")
                          % {"program": program.code}, field="group")
    requested_amount = clean_amount(requested_amount, field="requested_amount", label=_("Số tiền đề nghị vay"))
    if isinstance(term_months, bool) or not isinstance(term_months, int) or term_months <= 0:
        raise DomainError(_("Thời hạn vay phải là số tháng lớn hơn 0."), field="term_months")
    if installment_frequency_months is not None and (
        isinstance(installment_frequency_months, bool) or not isinstance(installment_frequency_months, int)
        or not 0 < installment_frequency_months <= term_months
    ):
        raise DomainError(_("Kỳ hạn trả gốc phải từ 1 tháng đến thời hạn vay."), field="installment_frequency_months")
    purpose = clean_text(purpose, field="purpose", label=_("mục đích sử dụng vốn"), max_length=255)
    plan = clean_text(use_of_funds_plan, field="use_of_funds_plan", label=_("phương án sử dụng vốn"),
                      required=False, multiline=True)
    submitted_on = clean_date(submitted_on, field="submitted_on", label=_("ngày nộp giấy đề nghị"))
    if capital_source not in CapitalSource.values:
        raise DomainError(_("Nguồn vốn không hợp lệ (1 = Trung ương, 2 = địa phương)."), field="capital_source")
    check_not_moved_away(household, submitted_on)
    if channel == LoanChannel.ENTRUSTED and membership_on(household, group, submitted_on) is None:
        raise DomainError(
            _("Hộ %(household)s không phải tổ viên của tổ %(group)s: phải được kết nạp vào tổ trước khi đề nghị "
              "vay.") % {"household": household.name, "group": group.code},
            field="household",
        )
    pending = LoanApplication.objects.filter(household=household, program=program, status__in=PENDING).first()
    if pending is not None:
        raise DomainError(
            _("Hộ %(household)s đã có giấy đề nghị #%(id)s chương trình %(program)s đang xử lý.")
            % {"household": household.name, "id": pending.pk, "program": program.code},
            field="program",
        )
    application = LoanApplication(
        household=household, group=group if channel == LoanChannel.ENTRUSTED else None, program=program,
        category=category, office=office, channel=channel, requested_amount=requested_amount,
        term_months=term_months, installment_frequency_months=installment_frequency_months, purpose=purpose,
        use_of_funds_plan=plan, capital_source=capital_source, submitted_on=submitted_on,
        status=ApplicationStatus.SUBMITTED, created_by=actor if getattr(actor, "pk", None) else None,
    )
    application.save()
    ApplicationStatusChange.objects.create(
        application=application, to_status=ApplicationStatus.SUBMITTED, changed_on=submitted_on,
        actor=application.created_by,
    )
    _audit(actor, "application_submit", application, None)
    return application


@transaction.atomic
def review_meeting_record(
    *, actor, group, held_on: dt.date, minutes_number: str, request_list_number: str, attendee_count: int,
    association_present: bool, village_head_present: bool, decisions: Sequence[ReviewDecision], note: str = "",
    association_officer_name: str = "", village_head_name: str = "", group_meeting=None,
) -> ReviewMeeting:
    """The group's review meeting (họp bình xét) and what it decided on each application of the group.

    The meeting itself is a ``groups.GroupMeeting`` of kind REVIEW (date, attendees, association and village head
    present, minutes text): created here, or — ``group_meeting`` — the one already recorded on the group's page
    (same group, kind REVIEW, not yet linked to a review; its own date, attendees and presence flags are kept and
    the arguments given here for them must agree)."""
    group = _group_for_write(actor, group)
    held_on = clean_date(held_on, field="held_on", label=_("ngày họp bình xét"))
    association_officer_name = clean_text(association_officer_name, field="association_officer_name",
                                          label=_("cán bộ hội dự họp"), max_length=150, required=False)
    village_head_name = clean_text(village_head_name, field="village_head_name", label=_("trưởng thôn dự họp"),
                                   max_length=150, required=False)
    if association_officer_name and not association_present:
        raise DomainError(_("Đã ghi tên cán bộ hội dự họp nhưng chưa đánh dấu có đại diện hội."),
                          field="association_present")
    if village_head_name and not village_head_present:
        raise DomainError(_("Đã ghi tên trưởng thôn nhưng chưa đánh dấu có trưởng thôn dự họp."),
                          field="village_head_present")
    minutes_number = clean_text(minutes_number, field="minutes_number", label=_("số biên bản họp tổ (10C/TD)"),
                                max_length=60)
    request_list_number = clean_text(request_list_number, field="request_list_number",
                                     label=_("số danh sách hộ đề nghị vay vốn (03/TD)"), max_length=60)
    if isinstance(attendee_count, bool) or not isinstance(attendee_count, int) or attendee_count <= 0:
        raise DomainError(_("Số tổ viên dự họp phải lớn hơn 0."), field="attendee_count")
    decisions = list(decisions or [])
    if not decisions:
        raise DomainError(_("Cuộc họp bình xét phải xét ít nhất một giấy đề nghị vay vốn."), field="decisions")
    seen = set()
    locked = []
    for decision in decisions:
        application = _lock(decision.application)
        if application.pk in seen:
            raise DomainError(_("Giấy đề nghị #%(id)s được xét hai lần trong một cuộc họp.") % {"id": application.pk},
                              field="decisions")
        seen.add(application.pk)
        if application.group_id != group.pk:
            raise DomainError(_("Giấy đề nghị #%(id)s không thuộc tổ %(group)s.")
                              % {"id": application.pk, "group": group.code}, field="decisions")
        _require_status(application, [ApplicationStatus.SUBMITTED, ApplicationStatus.NOT_AGREED],
                        _("bình xét"))
        check_not_before(held_on, application.submitted_on, field="held_on", label=_("ngày họp bình xét"),
                         bound_label=_("ngày nộp giấy đề nghị #%(id)s") % {"id": application.pk})
        amount = None
        if decision.agreed:
            amount = application.requested_amount if decision.amount is None else clean_amount(
                decision.amount, field="decisions", label=_("Số tiền tổ bình xét"))
            if amount > application.requested_amount:
                raise DomainError(
                    _("Số tiền bình xét (%(amount)s đồng) lớn hơn số tiền đề nghị vay của giấy #%(id)s "
                      "(%(requested)s đồng).")
                    % {"amount": vnd(amount), "id": application.pk, "requested": vnd(application.requested_amount)},
                    field="decisions",
                )
        locked.append((application, decision, amount))
    note = clean_text(note, field="note", label=_("ghi chú"), required=False, multiline=True)
    if group_meeting is not None:
        group_meeting = _existing_review_meeting(group_meeting, group, held_on, attendee_count,
                                                 association_present, village_head_present)
    else:
        group_meeting = _new_group_meeting(actor, group, held_on, attendee_count, association_present,
                                           village_head_present, minutes_number, request_list_number, note)
    meeting = ReviewMeeting.objects.create(
        group_meeting=group_meeting, minutes_number=minutes_number, request_list_number=request_list_number,
        association_officer_name=association_officer_name, village_head_name=village_head_name,
    )
    for application, decision, amount in locked:
        before = snapshot(application)
        ReviewItem.objects.create(meeting=meeting, application=application, agreed=bool(decision.agreed),
                                  agreed_amount=amount, note=str(decision.note or "")[:255])
        _transition(application, ApplicationStatus.REVIEWED if decision.agreed else ApplicationStatus.NOT_AGREED,
                    held_on, actor, note=minutes_number)
        application.agreed_amount = amount
        application.save(update_fields=["status", "agreed_amount"])
        _audit(actor, "application_review", application, before)
    audit_event_record(actor=actor, action="review_meeting_record", instance=meeting, before=None,
                       after=snapshot(meeting, extra={"applications": sorted(seen)}), parent=group)
    return meeting


def _new_group_meeting(actor, group, held_on, attendee_count, association_present, village_head_present,
                       minutes_number, request_list_number, note) -> GroupMeeting:
    members = group_members_on(group, held_on)
    if attendee_count > members:
        raise DomainError(
            _("Số tổ viên dự họp (%(count)d) vượt số tổ viên của tổ ngày %(on)s (%(members)d).")
            % {"count": attendee_count, "on": format_date(held_on), "members": members},
            field="attendee_count",
        )
    minutes = note or _("Họp bình xét cho vay: biên bản 10C/TD số %(minutes)s, danh sách 03/TD số %(list)s.") % {
        "minutes": minutes_number, "list": request_list_number}
    meeting = GroupMeeting.objects.create(
        group=group, held_on=held_on, kind=MeetingKind.REVIEW, attendee_count=attendee_count, minutes=minutes,
        association_present=bool(association_present), village_head_present=bool(village_head_present),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_event_record(actor=actor, action="meeting.record", instance=meeting, before=None, after=snapshot(meeting),
                       parent=group)
    return meeting


def _existing_review_meeting(group_meeting, group, held_on, attendee_count, association_present,
                             village_head_present) -> GroupMeeting:
    found = GroupMeeting.objects.select_for_update().filter(pk=getattr(group_meeting, "pk", group_meeting)).first()
    if found is None or found.group_id != group.pk or found.kind != MeetingKind.REVIEW:
        raise DomainError(_("Cuộc họp tổ đã chọn không phải là cuộc họp bình xét cho vay của tổ %(group)s.")
                          % {"group": group.code}, field="group_meeting")
    if ReviewMeeting.objects.filter(group_meeting=found).exists():
        raise DomainError(_("Cuộc họp tổ ngày %(on)s đã được ghi kết quả bình xét.")
                          % {"on": format_date(found.held_on)}, field="group_meeting")
    given = (held_on, attendee_count, bool(association_present), bool(village_head_present))
    if given != (found.held_on, found.attendee_count, found.association_present, found.village_head_present):
        raise DomainError(_("Ngày họp, số tổ viên dự họp hoặc thành phần dự họp khác với cuộc họp tổ đã ghi."),
                          field="group_meeting")
    return found


def _bank_write(actor, application) -> LoanApplication:
    application = _lock(application)
    require_loan_writer(actor, application.household.commune_id, field="application")
    return application


@transaction.atomic
def application_confirm_by_commune(
    *, actor, application, confirmed_on: dt.date, reference: str, confirmed_by: str,
) -> LoanApplication:
    """The commune People's Committee confirmed the household on 03/TD (entrusted: after the review meeting)."""
    application = _bank_write(actor, application)
    allowed = [ApplicationStatus.REVIEWED] if application.channel == LoanChannel.ENTRUSTED else [
        ApplicationStatus.SUBMITTED]
    _require_status(application, allowed, _("ghi nhận xác nhận của UBND xã"))
    confirmed_on = clean_date(confirmed_on, field="confirmed_on", label=_("ngày UBND xã xác nhận"))
    last_review = application.review_items.filter(agreed=True).select_related("meeting").order_by("-id").first()
    bound = last_review.meeting.held_on if last_review else application.submitted_on
    check_not_before(confirmed_on, bound, field="confirmed_on", label=_("ngày UBND xã xác nhận"),
                     bound_label=_("ngày họp bình xét") if last_review else _("ngày nộp giấy đề nghị"))
    before = snapshot(application)
    application.commune_confirmed_on = confirmed_on
    application.commune_confirmation_ref = clean_text(reference, field="reference",
                                                      label=_("số/ký hiệu xác nhận"), max_length=100)
    application.commune_confirmed_by = clean_text(confirmed_by, field="confirmed_by",
                                                  label=_("người ký xác nhận"), max_length=150)
    _transition(application, ApplicationStatus.CONFIRMED, confirmed_on, actor)
    application.save()
    _audit(actor, "application_confirm_by_commune", application, before)
    return application


def approval_deadline(complete_on: dt.date) -> dt.date:
    """The bank's deadline: N working days (3, rule ``loans.approval.working_days``) after a complete dossier."""
    days = rule_value(APPROVAL_DAYS_RULE, on=complete_on)
    return add_working_days(complete_on, days, public_holidays(complete_on, complete_on))


@transaction.atomic
def application_mark_complete(*, actor, application, complete_on: dt.date) -> LoanApplication:
    """The PGD received a complete dossier: the 3-working-day approval clock starts."""
    application = _bank_write(actor, application)
    allowed = [ApplicationStatus.CONFIRMED] if application.channel == LoanChannel.ENTRUSTED else [
        ApplicationStatus.SUBMITTED, ApplicationStatus.CONFIRMED]
    _require_status(application, allowed, _("ghi nhận hồ sơ đầy đủ"))
    complete_on = clean_date(complete_on, field="complete_on", label=_("ngày hồ sơ đầy đủ"))
    bound = application.commune_confirmed_on or application.submitted_on
    check_not_before(complete_on, bound, field="complete_on", label=_("ngày hồ sơ đầy đủ"),
                     bound_label=_("ngày xác nhận/nộp hồ sơ"))
    before = snapshot(application)
    application.dossier_complete_on = complete_on
    application.approval_deadline = approval_deadline(complete_on)
    _transition(application, ApplicationStatus.COMPLETE, complete_on, actor)
    application.save()
    _audit(actor, "application_mark_complete", application, before)
    return application


@transaction.atomic
def application_approve(
    *, actor, application, approved_on: dt.date, approved_amount: int | None = None,
) -> LoanApplication:
    """Approve (thẩm định, phê duyệt): amount ≤ what the group agreed (or requested, for direct loans); the
    eligibility rules are checked on the approval date."""
    application = _bank_write(actor, application)
    _require_status(application, [ApplicationStatus.COMPLETE], _("phê duyệt"))
    approved_on = clean_date(approved_on, field="approved_on", label=_("ngày phê duyệt"))
    check_not_before(approved_on, application.dossier_complete_on, field="approved_on", label=_("ngày phê duyệt"),
                     bound_label=_("ngày hồ sơ đầy đủ"))
    ceiling = application.agreed_amount or application.requested_amount
    amount = ceiling if approved_amount is None else clean_amount(approved_amount, field="approved_amount",
                                                                 label=_("Số tiền phê duyệt"))
    if amount > ceiling:
        raise DomainError(
            _("Số tiền phê duyệt (%(amount)s đồng) lớn hơn số tiền tổ bình xét/đề nghị (%(ceiling)s đồng).")
            % {"amount": vnd(amount), "ceiling": vnd(ceiling)},
            field="approved_amount",
        )
    check_eligibility(application, amount=amount, on=approved_on)
    before = snapshot(application)
    application.approved_amount = amount
    application.decided_on = approved_on
    application.approver = actor if getattr(actor, "pk", None) else None
    note = ""
    if approved_on > application.approval_deadline:
        note = _("Phê duyệt sau hạn %(deadline)s.") % {"deadline": format_date(application.approval_deadline)}
    _transition(application, ApplicationStatus.APPROVED, approved_on, actor, note=note)
    application.save()
    _audit(actor, "application_approve", application, before)
    return application


@transaction.atomic
def application_reject(*, actor, application, rejected_on: dt.date, reason: str) -> LoanApplication:
    application = _bank_write(actor, application)
    _require_status(application, [ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWED,
                                  ApplicationStatus.NOT_AGREED, ApplicationStatus.CONFIRMED,
                                  ApplicationStatus.COMPLETE], _("từ chối"))
    rejected_on = clean_date(rejected_on, field="rejected_on", label=_("ngày từ chối"))
    check_not_before(rejected_on, application.submitted_on, field="rejected_on", label=_("ngày từ chối"),
                     bound_label=_("ngày nộp giấy đề nghị"))
    before = snapshot(application)
    application.rejection_reason = clean_text(reason, field="reason", label=_("lý do không phê duyệt"),
                                              max_length=255)
    application.decided_on = rejected_on
    application.approver = actor if getattr(actor, "pk", None) else None
    _transition(application, ApplicationStatus.REJECTED, rejected_on, actor, note=application.rejection_reason)
    application.save()
    _audit(actor, "application_reject", application, before)
    return application


@transaction.atomic
def approval_notice_issue(
    *, actor, applications, number: str, notice_on: dt.date, planned_disbursement_on: dt.date,
    planned_disbursement_place: str,
) -> list[LoanApplication]:
    """Notice 04/TD: the approved households, the disbursement date and place (one notice may list many)."""
    applications = [applications] if isinstance(applications, LoanApplication | int) else list(applications or [])
    if not applications:
        raise DomainError(_("Thông báo 04/TD phải có ít nhất một hộ được phê duyệt."), field="applications")
    number = clean_text(number, field="number", label=_("số thông báo (04/TD)"), max_length=60)
    notice_on = clean_date(notice_on, field="notice_on", label=_("ngày thông báo"))
    planned = clean_date(planned_disbursement_on, field="planned_disbursement_on", label=_("ngày giải ngân dự kiến"),
                         allow_future=True)
    check_not_before(planned, notice_on, field="planned_disbursement_on", label=_("ngày giải ngân dự kiến"),
                     bound_label=_("ngày thông báo"))
    place = clean_text(planned_disbursement_place, field="planned_disbursement_place", label=_("địa điểm giải ngân"),
                       max_length=255)
    result = []
    for item in applications:
        application = _bank_write(actor, item)
        _require_status(application, [ApplicationStatus.APPROVED], _("thông báo kết quả phê duyệt"))
        check_not_before(notice_on, application.decided_on, field="notice_on", label=_("ngày thông báo"),
                         bound_label=_("ngày phê duyệt"))
        before = snapshot(application)
        application.notice_number, application.notice_on = number, notice_on
        application.planned_disbursement_on, application.planned_disbursement_place = planned, place
        _transition(application, ApplicationStatus.NOTIFIED, notice_on, actor, note=number)
        application.save()
        _audit(actor, "approval_notice_issue", application, before)
        result.append(application)
    return result

