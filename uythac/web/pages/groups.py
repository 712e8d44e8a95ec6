"""Savings & Loan Group pages: list with filters, detail, create, edit, dissolve.

Member, board, agency-contract, meeting, merge and split pages live in ``group_members.py``. Every page turns
the code in the URL into a group through ``access_group`` (404 out of scope, 403 read-only) and every write
is one service call through ``form_page``.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from uythac.accounts.access import access_commune, commune_queryset_for
from uythac.accounts.scope import scope_for
from uythac.core.access import deny_unless
from uythac.groups import selectors
from uythac.groups.access import access_group, can_record_meetings, can_write_groups, group_queryset_for
from uythac.groups.models import GroupConsolidation, GroupStatus
from uythac.groups.services import group_create, group_dissolve, group_update
from uythac.households.access import household_queryset_for
from uythac.households.models import PovertyStatusRecord
from uythac.transaction_sessions.access import can_submit_batches
from uythac.web.crud import Breadcrumb, Column, code_and_name, form_page, list_page, object_form_page, table
from uythac.web.forms.groups import GroupCreateForm, GroupDissolveForm, GroupEditForm, GroupFilterForm
from uythac.web.pages.associations import unit_link
from uythac.web.pages.geography import commune_crumbs, commune_link
from uythac.web.pages.inspections import inspection_related_for
from uythac.web.pages.loans_related import loan_related_for
from uythac.web.pages.network import point_link
from uythac.web.pages.villages import village_link

GROUP_FORM_TEMPLATE = "web/group_form.html"


def group_link(group) -> str:
    return reverse("group-detail", args=[group.code])


def household_link(household) -> str:
    return reverse("household-detail", args=[household.customer_code])


def group_crumbs(group, *, linked: bool = True) -> list[Breadcrumb]:
    """Province → commune → association unit → group."""
    unit = group.association_unit
    return [
        *commune_crumbs(group.commune),
        Breadcrumb(unit.name, unit_link(unit)),
        Breadcrumb(_("Tổ %(code)s") % {"code": group.code}, group_link(group) if linked else None),
    ]


def group_form_page(request, group, step: str, **options):
    """A form acting on the group (edit, members, board, meetings …): crumbs end with ``step``; back to the group."""
    return object_form_page(request, back_url=group_link(group), trail=group_crumbs(group), step=step, **options)


def commune_picker(request, *, title: str, target_url: str, intro: str, breadcrumbs=()):
    """First step of a page that works inside one commune: choose it (the next step gets ``?commune=<code>``)."""
    return list_page(
        request,
        title=title,
        queryset=commune_queryset_for(request.user).select_related("province"),
        columns=[
            *code_and_name(_("Mã xã"), lambda c: f"{target_url}?commune={c.code}", _("Xã/phường")),
            Column(_("Tỉnh/thành phố"), "province.name"),
        ],
        breadcrumbs=breadcrumbs,
        extra={"intro": intro},
    )


def chosen_commune(request, default=None):
    """The commune of ``?commune=`` (404 out of scope); else ``default``; else the user's only commune."""
    code = request.GET.get("commune")
    if code:
        return access_commune(request.user, code)
    if default is not None:
        return default
    scope = scope_for(request.user)
    if not scope.unlimited and len(scope.commune_ids) == 1:
        return commune_queryset_for(request.user).select_related("province").get()
    return None


def commune_create_page(
    request, *, step: str, list_crumb: Breadcrumb, picker_title: str, picker_intro: str, title: str, create,
    **options,
):
    """Create something that lives in one commune (a group, a household): the commune picker first unless the
    commune is known (``chosen_commune``), then the form, which gets ``user`` and ``commune``.

    ``title`` may name the commune as ``%(commune)s``; ``create(commune, data)`` calls the service; "Hủy" leads
    to the commune's page unless ``cancel_url`` says otherwise.
    """
    commune = chosen_commune(request)
    if commune is None:
        return commune_picker(
            request, title=picker_title, target_url=request.path, intro=picker_intro,
            breadcrumbs=[list_crumb, Breadcrumb(step)],
        )
    options.setdefault("cancel_url", commune_link(commune))
    return form_page(
        request,
        title=title % {"commune": commune.name},
        form_kwargs={"user": request.user, "commune": commune},
        service=lambda data: create(commune, data),
        breadcrumbs=[*commune_crumbs(commune), Breadcrumb(step)],
        **options,
    )


def move_commune_choices(user, *, current, chosen) -> dict:
    """Context of ``web/move_commune.html`` on an edit form: the other communes of the user's scope and, when the
    form is moving the object, the commune chosen."""
    return {
        "move_communes": commune_queryset_for(user).exclude(pk=current.pk).order_by("name")[:500],
        "move_selected": chosen.code if chosen.pk != current.pk else "",
    }


# --- list ------------------------------------------------------------------------------------------------

@login_required
def group_list(request):
    user = request.user
    groups = (
        group_queryset_for(user)
        .select_related("commune", "association_unit__organization", "transaction_point")
        .annotate(members=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("code")
    )
    filter_form = GroupFilterForm(request.GET or None, user=user)
    if filter_form.is_bound and filter_form.is_valid():
        groups = filter_form.apply(groups)
    return list_page(
        request,
        title=_("Tổ tiết kiệm và vay vốn"),
        queryset=groups,
        columns=[
            *code_and_name(_("Mã tổ"), group_link, _("Tên tổ")),
            Column(_("Xã"), "commune.name", link=lambda g: commune_link(g.commune)),
            Column(_("Hội"), "association_unit.organization.short_name"),
            Column(_("Số tổ viên"), "members"),
            Column(_("Trạng thái"), "get_status_display"),
        ],
        create_url=reverse("group-create") if can_write_groups(user) else None,
        create_label=_("Thành lập tổ mới"),
        filters_template="web/group_list_filters.html",
        extra={"filter_form": filter_form},
    )


# --- detail ----------------------------------------------------------------------------------------------

def _current_poverty(household) -> str:
    records = household.poverty_records.all()  # prefetched, newest year first (model ordering)
    return records[0].get_status_display() if records else ""


def _consolidations(group, visible_ids) -> list[dict]:
    def codes(groups):
        return [(g.code, group_link(g) if g.id in visible_ids else None) for g in groups]

    found = (
        GroupConsolidation.objects.filter(Q(sources=group) | Q(targets=group))
        .distinct()
        .prefetch_related("sources", "targets")
    )
    return [
        {
            "kind": c.get_kind_display(),
            "effective_on": c.effective_on,
            "decision": c.decision,
            "sources": codes(c.sources.all()),
            "targets": codes(c.targets.all()),
            "members_moved": c.members_moved,
        }
        for c in found
    ]


@login_required
def group_detail(request, code):
    user = request.user
    group = access_group(user, code)
    poverty = Prefetch("household__poverty_records", queryset=PovertyStatusRecord.objects.all())
    current = list(selectors.group_current_members(group).prefetch_related(poverty))
    former = list(selectors.group_former_members(group))
    visible_households = set(household_queryset_for(user).filter(memberships__group=group).values_list("id", flat=True))
    visible_groups = set(group_queryset_for(user).values_list("id", flat=True))
    active = group.status == GroupStatus.ACTIVE
    writable = can_write_groups(user) and active

    def member_link(membership):
        household = membership.household
        return household_link(household) if household.id in visible_households else None

    board = selectors.group_current_board(group)
    roles = {}
    if board is not None:
        roles[board.leader_id] = _("Tổ trưởng")
        if board.deputy_id is not None:
            roles[board.deputy_id] = _("Tổ phó")
    member_columns = [
        Column(_("Mã khách hàng"), "household.customer_code", link=member_link),
        Column(_("Họ tên"), "household.name", link=member_link),
        Column(_("Vai trò"), lambda m: roles.get(m.household_id, "")),
        Column(_("Thôn"), "household.village.name"),
        Column(_("Ngày vào tổ"), "joined_on"),
        Column(_("Diện hộ"), lambda m: _current_poverty(m.household)),
    ]
    if writable:
        # Board members leave only after a new board is elected (the service refuses it): no link for them.
        member_columns.append(
            Column(
                _("Thao tác"),
                lambda m: "" if m.household_id in roles else _("Cho rời tổ"),
                link=lambda m: None if m.household_id in roles
                else reverse("group-member-exit", args=[group.code, m.household.customer_code]),
            )
        )
    size = selectors.group_size_check(group)
    point = group.transaction_point
    villages = list(group.villages.order_by("code"))
    context = {
        "title": group.name,
        "group": group,
        "breadcrumbs": group_crumbs(group, linked=False),
        "fields": [
            (_("Mã tổ"), group.code, None),
            (_("Tên tổ"), group.name, None),
            (_("Xã/phường"), group.commune.name, commune_link(group.commune)),
            (_("Hội quản lý"), group.association_unit.name, unit_link(group.association_unit)),
            (_("Điểm giao dịch"), f"{point.name} ({point.code})", point_link(point)),
            (_("Ngày giao dịch hằng tháng"), point.session_day_of_month, None),
            (_("Trạng thái"), group.get_status_display(), None),
            (_("Ngày thành lập"), group.established_on, None),
            (_("Quyết định thành lập"), group.approval_decision, None),
            (_("Ngày ngừng hoạt động"), group.closed_on, None),
        ],
        "villages": [(v.name, village_link(v)) for v in villages],
        "size": size,
        "size_ok": not active or not (size.below_minimum or size.above_maximum),
        "board": board,
        "board_history": table(
            [
                Column(_("Tổ trưởng"), "leader.name"),
                Column(_("Tổ phó"), "deputy.name"),
                Column(_("Từ ngày"), "started_on"),
                Column(_("Đến ngày"), "ended_on"),
                Column(_("Biên bản bầu"), "election_minutes"),
            ],
            selectors.group_board_terms(group),
        ),
        "status_history": table(
            [
                Column(_("Ngày"), "changed_on"),
                Column(_("Từ"), "get_from_status_display"),
                Column(_("Sang"), "get_to_status_display"),
                Column(_("Lý do"), "reason"),
            ],
            group.status_changes.all(),
        ),
        "contracts": table(
            [
                Column(_("Số hợp đồng"), "number"),
                Column(_("Phòng giao dịch"), "office.name"),
                Column(_("Ngày ký"), "signed_on"),
                Column(_("Hiệu lực đến"), "effective_to"),
                Column(_("Tổ trưởng ký"), "leader.name"),
                Column(_("Được thu lãi"), "collects_interest"),
                Column(_("Được thu tiền gửi"), "collects_savings"),
            ],
            selectors.group_agency_contracts(group),
        ),
        "member_count": len(current),
        "members": table(member_columns, current),
        "former_members": table(
            [
                Column(_("Mã khách hàng"), "household.customer_code", link=member_link),
                Column(_("Họ tên"), "household.name", link=member_link),
                Column(_("Ngày vào tổ"), "joined_on"),
                Column(_("Ngày rời tổ"), "left_on"),
                Column(_("Lý do"), "leave_reason"),
            ],
            former,
        ),
        "meetings": selectors.group_meetings(group),
        "consolidations": _consolidations(group, visible_groups),
        "can_write": writable,
        "can_record_meeting": can_record_meetings(user) and active,
        "can_collect": can_submit_batches(user) and active,
        "audit_url": reverse("audit", args=["savingsgroup", group.code]),
        "loan_related": loan_related_for(user, group=group),
        "inspection_related": inspection_related_for(user, group=group),
    }
    return render(request, "web/group_detail.html", context)


# --- create, edit, dissolve --------------------------------------------------------------------------------

@login_required
def group_create_page(request):
    user = request.user
    deny_unless(can_write_groups(user))
    return commune_create_page(
        request,
        step=_("Thành lập tổ mới"),
        list_crumb=Breadcrumb(_("Tổ TK&VV"), reverse("group-list")),
        picker_title=_("Thành lập tổ mới: chọn xã"),
        picker_intro=_("Tổ TK&VV được thành lập trong một xã: chọn xã trước."),
        title=_("Thành lập tổ mới tại %(commune)s"),
        form_class=GroupCreateForm,
        create=lambda commune, data: group_create(actor=user, commune=commune, **data),
        success_url=group_link,
        success_message=_("Đã thành lập tổ."),
        submit_label=_("Thành lập tổ"),
        intro=_("Quyết định thành lập và quy ước hoạt động của tổ do UBND xã phê duyệt."),
        template=GROUP_FORM_TEMPLATE,
    )


def _edit_initial(group, commune) -> dict:
    initial = {
        "name": group.name,
        "commune": commune,
        "approval_decision": group.approval_decision,
        "convention_note": group.convention_note,
    }
    if commune.pk == group.commune_id:
        initial.update(
            villages=list(group.villages.all()),
            association_unit=group.association_unit,
            transaction_point=group.transaction_point,
        )
    return initial


@login_required
def group_edit(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    commune = chosen_commune(request, default=group.commune)
    moving = commune.pk != group.commune_id
    return group_form_page(
        request, group, _("Sửa thông tin"),
        title=_("Sửa thông tin tổ %(code)s") % {"code": group.code},
        form_class=GroupEditForm,
        form_kwargs={"user": user, "commune": commune, "initial": _edit_initial(group, commune)},
        service=lambda data: group_update(actor=user, group=group, **data),
        success_message=_("Đã lưu thông tin tổ."),
        intro=(
            _("Chuyển tổ sang %(commune)s: chọn thôn, hội cấp xã và điểm giao dịch của xã mới.")
            % {"commune": commune.name}
            if moving
            else None
        ),
        template=GROUP_FORM_TEMPLATE,
        extra=move_commune_choices(user, current=group.commune, chosen=commune),
    )


@login_required
def group_dissolve_page(request, code):
    user = request.user
    group = access_group(user, code, for_write=True)
    return group_form_page(
        request, group, _("Giải thể tổ"),
        title=_("Giải thể tổ %(name)s") % {"name": group},
        form_class=GroupDissolveForm,
        service=lambda data: group_dissolve(actor=user, group=group, **data),
        success_message=_("Đã giải thể tổ."),
        submit_label=_("Giải thể tổ"),
        intro=_("Tất cả tổ viên rời tổ và ban quản lý kết thúc nhiệm kỳ vào ngày giải thể. Không thể hoàn tác."),
    )


urlpatterns = [
    path("groups/", group_list, name="group-list"),
    path("groups/new/", group_create_page, name="group-create"),
    path("groups/<str:code>/", group_detail, name="group-detail"),
    path("groups/<str:code>/edit/", group_edit, name="group-edit"),
    path("groups/<str:code>/dissolve/", group_dissolve_page, name="group-dissolve"),
]
