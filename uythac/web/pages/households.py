"""Household pages: list/search (code, CCCD, phone, name without diacritics), detail, create, edit, poverty
status, kinship, moved away.

Breadcrumbs run province → commune → association unit → group → household when the household is a current
member of a group the user sees, else province → commune → household.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from uythac.core.access import deny_unless
from uythac.groups.access import group_queryset_for
from uythac.groups.models import GroupMembership
from uythac.households.access import access_household, can_write_households
from uythac.households.selectors import household_kinships, household_search, poverty_status_current
from uythac.households.services import (
    household_clear_moved_away,
    household_create,
    household_mark_moved_away,
    household_update,
    kinship_declare,
    poverty_status_record,
)
from uythac.households.validation import legacy_id_warning
from uythac.web.crud import Breadcrumb, Column, list_page, object_form_page, table
from uythac.web.forms.households import (
    HouseholdCreateForm,
    HouseholdForm,
    KinshipForm,
    MovedAwayClearForm,
    MovedAwayMarkForm,
    PovertyStatusForm,
)
from uythac.web.pages.geography import commune_crumbs, commune_link
from uythac.web.pages.groups import (
    chosen_commune,
    commune_create_page,
    group_crumbs,
    group_link,
    move_commune_choices,
)
from uythac.web.pages.loans_related import loan_related_for
from uythac.web.pages.villages import village_link

HOUSEHOLD_FORM_TEMPLATE = "web/household_form.html"
EDITABLE_FIELDS = (
    "name", "gender", "birth_date", "ethnicity", "national_id", "national_id_issued_on", "national_id_expires_on",
    "legacy_id_number", "phone", "village", "address", "member_count",
)


def household_link(household) -> str:
    return reverse("household-detail", args=[household.customer_code])


def current_group_of(user, household):
    """The household's current group when the user may see it (``None`` otherwise or when it has none)."""
    membership = (
        GroupMembership.objects.filter(household=household, left_on__isnull=True)
        .filter(group__in=group_queryset_for(user))
        .select_related("group__commune__province", "group__association_unit")
        .first()
    )
    return membership.group if membership else None


def household_crumbs(user, household, *, linked: bool = True) -> list[Breadcrumb]:
    group = current_group_of(user, household)
    base = group_crumbs(group) if group is not None else commune_crumbs(household.commune)
    return [*base, Breadcrumb(household.name, household_link(household) if linked else None)]


def household_form_page(request, household, step: str, **options):
    """A form acting on the household (edit, poverty status, kinship …): crumbs end with ``step``; back to it."""
    return object_form_page(
        request, back_url=household_link(household), trail=household_crumbs(request.user, household), step=step,
        **options,
    )


@login_required
def household_list(request):
    user = request.user
    return list_page(
        request,
        title=_("Hộ gia đình / khách hàng"),
        # household_search does the matching (codes, CCCD, phone in any form, names without diacritics).
        queryset=household_search(user, request.GET.get("q")),
        columns=[
            Column(_("Mã khách hàng"), "customer_code", link=household_link),
            Column(_("Họ tên"), "name", link=household_link),
            Column(_("Thôn"), "village.name"),
            Column(_("Xã"), "commune.name"),
            Column(_("Điện thoại"), "phone"),
        ],
        code_fields=(),
        name_fields=(),
        create_url=reverse("household-create") if can_write_households(user) else None,
        extra={"intro": _("Tìm theo mã khách hàng, số CCCD/CMND, số điện thoại hoặc họ tên (không cần dấu).")},
    )


def identity_warnings(household, today) -> list[str]:
    warnings = []
    legacy = legacy_id_warning(household)
    if legacy:
        warnings.append(legacy)
    elif not household.national_id:
        warnings.append(_("Chưa có số CCCD."))
    expires = household.national_id_expires_on
    if household.national_id and expires and expires < today:
        warnings.append(_("CCCD đã hết hạn từ ngày %(on)s.") % {"on": expires.strftime("%d/%m/%Y")})
    return warnings


@login_required
def household_detail(request, code):
    user = request.user
    household = access_household(user, code)
    today = timezone.localdate()
    visible_groups = set(group_queryset_for(user).values_list("id", flat=True))
    memberships = list(
        GroupMembership.objects.filter(household=household).select_related("group").order_by("-joined_on", "-id")
    )
    current_group = current_group_of(user, household)

    def membership_group_link(membership):
        return group_link(membership.group) if membership.group_id in visible_groups else None

    def other(kinship):
        return kinship.relative if kinship.person_id == household.pk else kinship.person

    def relation(kinship):
        # The tie is declared once: "person is <kind> of relative"; say it from this household's side.
        if kinship.person_id == household.pk:
            return _("Chủ hộ này là %(kind)s của") % {"kind": kinship.get_kind_display().lower()}
        return _("Là %(kind)s của chủ hộ này") % {"kind": kinship.get_kind_display().lower()}

    village = household.village
    poverty = poverty_status_current(household, on=today)
    context = {
        "title": household.name,
        "household": household,
        "breadcrumbs": household_crumbs(user, household, linked=False),
        "identity": [
            (_("Mã khách hàng"), household.customer_code, None),
            (_("Họ tên chủ hộ/người đại diện"), household.name, None),
            (_("Giới tính"), household.get_gender_display(), None),
            (_("Ngày sinh"), household.birth_date, None),
            (_("Dân tộc"), household.ethnicity, None),
            (_("Số CCCD"), household.national_id, None),
            (_("Ngày cấp CCCD"), household.national_id_issued_on, None),
            (_("Ngày hết hạn CCCD"), household.national_id_expires_on, None),
            (_("Số CMND cũ"), household.legacy_id_number, None),
            (_("Số điện thoại"), household.phone, None),
            (_("Số nhân khẩu"), household.member_count, None),
            (_("Diện hộ hiện tại"), f"{poverty.get_status_display()} ({poverty.year})" if poverty else "", None),
        ],
        "address": [
            (_("Địa chỉ"), household.address, None),
            (_("Thôn"), f"{village.name} ({village.code})", village_link(village)),
            (_("Xã/phường"), household.commune.name, commune_link(household.commune)),
            (_("Tổ TK&VV hiện tại"), str(current_group) if current_group else _("Chưa vào tổ"),
             group_link(current_group) if current_group else None),
        ],
        "identity_warnings": identity_warnings(household, today),
        "memberships": table(
            [
                Column(_("Mã tổ"), "group.code", link=membership_group_link),
                Column(_("Tên tổ"), "group.name", link=membership_group_link),
                Column(_("Ngày vào tổ"), "joined_on"),
                Column(_("Ngày rời tổ"), "left_on"),
                Column(_("Lý do"), "leave_reason"),
            ],
            memberships,
        ),
        "poverty": table(
            [
                Column(_("Năm"), lambda r: str(r.year)),
                Column(_("Diện hộ"), "get_status_display"),
                Column(_("Danh sách/quyết định của xã"), "source_list"),
                Column(_("Ngày ghi nhận"), "recorded_on"),
            ],
            household.poverty_records.all(),
        ),
        "kinships": table(
            [
                Column(_("Quan hệ"), relation),
                Column(_("Mã khách hàng"), lambda k: other(k).customer_code, link=lambda k: household_link(other(k))),
                Column(_("Họ tên"), lambda k: other(k).name, link=lambda k: household_link(other(k))),
            ],
            household_kinships(user, household),
        ),
        "can_write": can_write_households(user),
        "audit_url": reverse("audit", args=["household", household.customer_code]),
        "loan_related": loan_related_for(user, household=household),
    }
    return render(request, "web/household_detail.html", context)


# --- create and edit ---------------------------------------------------------------------------------------

@login_required
def household_create_page(request):
    user = request.user
    deny_unless(can_write_households(user))
    return commune_create_page(
        request,
        step=_("Thêm hộ"),
        list_crumb=Breadcrumb(_("Hộ vay"), reverse("household-list")),
        picker_title=_("Thêm hộ: chọn xã"),
        picker_intro=_("Chọn xã nơi hộ cư trú."),
        title=_("Thêm hộ tại %(commune)s"),
        form_class=HouseholdCreateForm,
        create=lambda commune, data: household_create(actor=user, commune=commune, **data),
        success_url=household_link,
        success_message=_("Đã thêm hộ."),
        cancel_url=reverse("household-list"),
    )


@login_required
def household_edit(request, code):
    user = request.user
    household = access_household(user, code, for_write=True)
    commune = chosen_commune(request, default=household.commune)
    initial = {field: getattr(household, field) for field in EDITABLE_FIELDS}
    if commune.pk != household.commune_id:
        initial["village"] = None
    return household_form_page(
        request, household, _("Sửa thông tin"),
        title=_("Sửa thông tin hộ %(household)s") % {"household": household},
        form_class=HouseholdForm,
        form_kwargs={"user": user, "commune": commune, "initial": initial},
        service=lambda data: household_update(actor=user, household=household, commune=commune, **data),
        success_message=_("Đã lưu thông tin hộ."),
        intro=(
            _("Hộ chuyển đến %(commune)s: chọn thôn của xã mới.") % {"commune": commune.name}
            if commune.pk != household.commune_id
            else None
        ),
        template=HOUSEHOLD_FORM_TEMPLATE,
        extra=move_commune_choices(user, current=household.commune, chosen=commune),
    )


# --- poverty status, kinship, moved away -------------------------------------------------------------------

@login_required
def poverty_new(request, code):
    user = request.user
    household = access_household(user, code, for_write=True)
    return household_form_page(
        request, household, _("Diện hộ"),
        title=_("Ghi nhận diện hộ: %(household)s") % {"household": household},
        form_class=PovertyStatusForm,
        service=lambda data: poverty_status_record(actor=user, household=household, **data),
        success_message=_("Đã ghi nhận diện hộ."),
        intro=_("Theo danh sách hộ nghèo, cận nghèo… hằng năm do Chủ tịch UBND xã phê duyệt; mỗi năm một lần."),
    )


@login_required
def kinship_new(request, code):
    user = request.user
    household = access_household(user, code, for_write=True)
    return household_form_page(
        request, household, _("Quan hệ thân nhân"),
        title=_("Khai quan hệ thân nhân: %(household)s") % {"household": household},
        form_class=KinshipForm,
        service=lambda data: kinship_declare(actor=user, person=household, **data),
        success_message=_("Đã ghi nhận quan hệ thân nhân."),
        intro=_("Dùng để kiểm tra quy định tổ trưởng và tổ phó không là vợ/chồng, cha/mẹ, con, anh/chị/em ruột."),
    )


@login_required
def moved_away(request, code):
    user = request.user
    household = access_household(user, code, for_write=True)
    step = _("Đi khỏi địa phương")
    if household.moved_away_on is None:
        return household_form_page(
            request, household, step,
            title=_("Đánh dấu hộ đi khỏi địa phương: %(household)s") % {"household": household},
            form_class=MovedAwayMarkForm,
            service=lambda data: household_mark_moved_away(actor=user, household=household, **data),
            success_message=_("Đã ghi nhận hộ đi khỏi địa phương."),
            submit_label=_("Đánh dấu"),
        )
    return household_form_page(
        request, household, step,
        title=_("Bỏ đánh dấu đi khỏi địa phương: %(household)s") % {"household": household},
        form_class=MovedAwayClearForm,
        service=lambda data: household_clear_moved_away(actor=user, household=household, **data),
        success_message=_("Đã bỏ đánh dấu hộ đi khỏi địa phương."),
        submit_label=_("Bỏ đánh dấu"),
        intro=_("Hộ được ghi nhận đi khỏi địa phương từ ngày %(on)s.")
        % {"on": household.moved_away_on.strftime("%d/%m/%Y")},
    )


urlpatterns = [
    path("households/", household_list, name="household-list"),
    path("households/new/", household_create_page, name="household-create"),
    path("households/<str:code>/", household_detail, name="household-detail"),
    path("households/<str:code>/edit/", household_edit, name="household-edit"),
    path("households/<str:code>/poverty/new/", poverty_new, name="household-poverty-create"),
    path("households/<str:code>/kinship/new/", kinship_new, name="household-kinship-create"),
    path("households/<str:code>/moved-away/", moved_away, name="household-moved-away"),
]
