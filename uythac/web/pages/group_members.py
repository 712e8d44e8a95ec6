"""Pages that change a group's people and history: admit and exit members, elect the board, sign the agency
contract, record meetings, merge other groups into this one, split it.

Each page: guarded fetch of the group (``for_write`` → 403 for read-only roles; group leaders may only record
their own group's meetings, ``for_meeting``) → one form → one service call → back to the group page.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _

from uythac.groups.access import access_group
from uythac.groups.models import GroupMembership
from uythac.groups.services import (
    agency_contract_create,
    board_term_start,
    group_merge,
    group_split,
    meeting_record,
    membership_admit,
    membership_exit,
)
from uythac.households.access import access_household
from uythac.web.forms.groups import (
    AgencyContractForm,
    BoardTermForm,
    GroupMergeForm,
    GroupSplitForm,
    MeetingForm,
    MembershipAdmitForm,
    MembershipExitForm,
    split_arguments,
)
from uythac.web.pages.groups import GROUP_FORM_TEMPLATE, group_form_page


@login_required
def member_admit(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Kết nạp tổ viên"),
        title=_("Kết nạp tổ viên vào tổ %(name)s") % {"name": group},
        form_class=MembershipAdmitForm,
        form_kwargs={"user": user, "group": group},
        service=lambda data: membership_admit(actor=user, group=group, **data),
        success_message=_("Đã kết nạp tổ viên."),
        submit_label=_("Kết nạp"),
        template=GROUP_FORM_TEMPLATE,
    )


@login_required
def member_exit(request, code, customer_code):
    user = request.user
    group = access_group(user, code, for_write=True)
    household = access_household(user, customer_code)
    if not GroupMembership.objects.filter(group=group, household=household, left_on__isnull=True).exists():
        raise Http404(_("Không tìm thấy đối tượng."))
    return group_form_page(
        request, group, _("Tổ viên rời tổ"),
        title=_("Cho hộ %(household)s rời tổ %(code)s") % {"household": household, "code": group.code},
        form_class=MembershipExitForm,
        service=lambda data: membership_exit(actor=user, group=group, household=household, **data),
        success_message=_("Đã ghi nhận tổ viên rời tổ."),
        submit_label=_("Xác nhận rời tổ"),
    )


@login_required
def board_elect(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Bầu ban quản lý"),
        title=_("Bầu ban quản lý tổ %(name)s") % {"name": group},
        form_class=BoardTermForm,
        form_kwargs={"user": user, "group": group},
        service=lambda data: board_term_start(actor=user, group=group, **data),
        success_message=_("Đã ghi nhận ban quản lý tổ mới."),
        intro=_(
            "Tổ trưởng và tổ phó là tổ viên của tổ và không được là vợ/chồng, cha/mẹ, con, anh/chị/em ruột của "
            "nhau. Nhiệm kỳ hiện tại (nếu có) kết thúc vào ngày trước ngày bắt đầu nhiệm kỳ mới."
        ),
    )


@login_required
def agency_contract_new(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Hợp đồng ủy nhiệm"),
        title=_("Hợp đồng ủy nhiệm của tổ %(name)s") % {"name": group},
        form_class=AgencyContractForm,
        form_kwargs={"user": user, "group": group},
        service=lambda data: agency_contract_create(actor=user, group=group, **data),
        success_message=_("Đã ghi nhận hợp đồng ủy nhiệm."),
        intro=_("Hợp đồng giữa phòng giao dịch và tổ trưởng đương nhiệm, ủy nhiệm thu lãi và thu tiền gửi."),
    )


@login_required
def meeting_new(request, code):
    user = request.user
    group = access_group(user, code, for_meeting=True)
    return group_form_page(
        request, group, _("Sinh hoạt tổ"),
        title=_("Biên bản sinh hoạt tổ %(name)s") % {"name": group},
        form_class=MeetingForm,
        service=lambda data: meeting_record(actor=user, group=group, **data),
        success_message=_("Đã lưu biên bản sinh hoạt tổ."),
    )


@login_required
def merge_into(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Sáp nhập tổ"),
        title=_("Sáp nhập tổ khác vào tổ %(name)s") % {"name": group},
        form_class=GroupMergeForm,
        form_kwargs={"user": user, "group": group},
        service=lambda data: group_merge(actor=user, target=group, **data),
        success_message=_("Đã sáp nhập tổ."),
        submit_label=_("Sáp nhập"),
        intro=_(
            "Tổ viên của các tổ được chọn chuyển sang tổ này vào ngày hiệu lực; các tổ đó chuyển sang trạng thái "
            "đã sáp nhập. Tổ này giữ hội quản lý và điểm giao dịch của mình."
        ),
        template=GROUP_FORM_TEMPLATE,
    )


@login_required
def split(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Tách tổ"),
        title=_("Tách tổ %(name)s") % {"name": group},
        form_class=GroupSplitForm,
        form_kwargs={"user": user, "group": group},
        service=lambda data: group_split(actor=user, source=group, **split_arguments(data)),
        success_message=_("Đã tách tổ."),
        submit_label=_("Tách tổ"),
        intro=_(
            "Tạo từ 1 đến 3 tổ mới cùng xã và chọn tổ viên chuyển sang từng tổ. Tổ cũ còn lại phải đủ số tổ viên "
            "tối thiểu, hoặc chuyển hết tổ viên (tổ cũ chuyển sang trạng thái đã tách)."
        ),
        template=GROUP_FORM_TEMPLATE,
    )


urlpatterns = [
    path("groups/<str:code>/members/admit/", member_admit, name="group-member-admit"),
    path("groups/<str:code>/members/<str:customer_code>/exit/", member_exit, name="group-member-exit"),
    path("groups/<str:code>/board/", board_elect, name="group-board"),
    path("groups/<str:code>/agency-contract/new/", agency_contract_new, name="group-agency-contract-create"),
    path("groups/<str:code>/meetings/new/", meeting_new, name="group-meeting-create"),
    path("groups/<str:code>/merge/", merge_into, name="group-merge"),
    path("groups/<str:code>/split/", split, name="group-split"),
]
