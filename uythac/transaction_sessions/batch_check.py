"""The commune association's check of a leader's collection list 13/TD (process.md §3.2, M: "the commune
association officer checks each leader's 13/TD before the transaction").

A batch's states are therefore: collected by the leader (PENDING) → checked by the association (``checked_on``,
``checked_by``) → handed over at the session (HANDED_OVER) → posted. Nothing in the domain documents says a session
must refuse an unchecked list, so by default the hand-over of an unchecked batch is accepted and flagged (the session
desk lists it as a warning); the dated rule ``sessions.batch_check.required_before_handover`` (M, default False)
turns the warning into a refusal where a branch decides so.

``batch_check(*, actor, batch, checked_on, note="") -> CollectionBatch`` — a commune association officer of the
group's organization (or the administrator) records the check of a PENDING batch, once.
``batch_check_required(on) -> bool`` — the rule in force on ``on``.
``unchecked_pending_batches(point)`` / ``unchecked_handed_over(session)`` — what the desk warns about.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import check_not_before, clean_date, clean_text, format_date
from uythac.core.models import RuleValue
from uythac.transaction_sessions.access import access_batch
from uythac.transaction_sessions.models import BatchStatus, CollectionBatch

RULE = "sessions.batch_check.required_before_handover"
CHECKERS = frozenset({Role.ADMIN, Role.COMMUNE_ASSOCIATION})


def batch_check_required(on: dt.date) -> bool:
    row = (RuleValue.objects.filter(key=RULE, effective_from__lte=on)
           .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on)).order_by("-effective_from").first())
    return bool(row.value) if row is not None else False


def can_check_batches(user) -> bool:
    return user is not None and getattr(user, "role", None) in CHECKERS and not getattr(user, "is_read_only", False)


def batch_check(*, actor, batch, checked_on: dt.date, note: str = "") -> CollectionBatch:
    """Record that the commune association checked the 13/TD list ``batch`` on ``checked_on``."""
    with transaction.atomic():
        if not can_check_batches(actor):
            raise DomainError(_("Chỉ cán bộ hội cấp xã được xác nhận kiểm tra bảng kê 13/TD."), field="batch")
        pk = getattr(batch, "pk", batch)
        try:
            access_batch(actor, pk)
        except Http404:
            raise DomainError(_("Không tìm thấy bảng kê trong phạm vi quản lý của bạn."), field="batch") from None
        batch = (CollectionBatch.objects.select_for_update(of=("self",))
                 .select_related("group", "group__association_unit").get(pk=pk))
        if actor.role == Role.COMMUNE_ASSOCIATION and (
                batch.group.association_unit is None
                or batch.group.association_unit.organization_id != actor.organization_id):
            raise DomainError(_("Tổ %(code)s không thuộc hội của bạn.") % {"code": batch.group.code}, field="batch")
        if batch.status != BatchStatus.PENDING:
            raise DomainError(
                _("Chỉ kiểm tra bảng kê đang chờ giao (bảng kê #%(id)s: %(status)s).")
                % {"id": batch.pk, "status": batch.get_status_display()},
                field="batch",
            )
        if batch.checked_on is not None:
            raise DomainError(
                _("Bảng kê #%(id)s đã được hội kiểm tra ngày %(on)s.")
                % {"id": batch.pk, "on": format_date(batch.checked_on)},
                field="batch",
            )
        checked_on = clean_date(checked_on, field="checked_on", label=_("ngày kiểm tra"))
        last_receipt = batch.receipts.order_by("-collected_on").values_list("collected_on", flat=True).first()
        if last_receipt is not None:
            check_not_before(checked_on, last_receipt, field="checked_on", label=_("ngày kiểm tra"),
                             bound_label=_("ngày thu của biên lai cuối cùng"))
        note = clean_text(note, field="note", label=_("ý kiến kiểm tra"), max_length=255, required=False)
        before = snapshot(batch)
        batch.checked_by, batch.checked_on, batch.check_note = actor, checked_on, note
        batch.save(update_fields=["checked_by", "checked_on", "check_note"])
        audit_event_record(actor=actor, action="batch.check", instance=batch, before=before, after=snapshot(batch),
                           parent=batch.group, note=note)
    return batch


def unchecked_pending_batches(point) -> list[CollectionBatch]:
    return list(CollectionBatch.objects.filter(group__transaction_point=point, status=BatchStatus.PENDING,
                                               checked_on__isnull=True)
                .select_related("group").order_by("submitted_at", "id"))


def unchecked_handed_over(session) -> list[CollectionBatch]:
    return list(CollectionBatch.objects.filter(session=session, status=BatchStatus.HANDED_OVER,
                                               checked_on__isnull=True)
                .select_related("group").order_by("handed_over_at", "id"))
