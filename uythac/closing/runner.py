"""Run the month-end close: lock, then the ordered steps, each resumable (zulip's ``FillState`` pattern).

``close_month(*, period, scope=None, actor=None, close_ledger=True, redo=False, takeover=False, progress=None)
-> CloseReport``

1. Check the input: ``period`` "YYYY-MM" already ended (its last day is before today); ``scope`` a province (2
   digits), PGD (6) or commune (5) code, or None for the whole country; ``actor`` None (the system) or an
   administrator — a whole-country close needs one to close the ledger month, unless ``close_ledger=False``.
2. Take the close lock: a ``ClosingRun`` row RUNNING, unique among running rows (a database constraint, so SQLite and
   PostgreSQL both refuse the second). One close runs at a time whatever its scope and period: closes write the
   same loans' balances and the same province rows, so two at once could not both be right. A second close is
   refused with a Vietnamese message naming the running one; a run left RUNNING by a process that no longer exists
   on this machine is taken over (``ABANDONED``), and ``takeover=True`` forces it for another machine.
3. For each step in order: skip it when its state row for (scope, period, step) is DONE — unless ``redo`` or an
   earlier step ran in this invocation (its inputs changed); else mark it STARTED and commit; then in ONE
   transaction clean up (a STARTED state means an earlier attempt stopped half-way), do the work, mark it DONE with
   rows and seconds, and audit. A failure leaves the state STARTED and the work rolled back; the next run redoes it.
4. Release the lock (DONE or FAILED) and audit the run.

Call it outside any transaction (from the command line, a job): each step commits on its own.
"""

import datetime as dt
import os
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from uythac.accounts.models import Role
from uythac.closing import sql
from uythac.closing.models import CLOSE_LOCK, ClosingRun, ClosingStepState, RunStatus, StepStatus
from uythac.closing.scope import CloseScope, scope_label, scope_parse
from uythac.closing.steps import CloseContext, close_steps
from uythac.core.audit import audit_event_record, snapshot
from uythac.core.exceptions import DomainError
from uythac.core.guards import format_date, today
from uythac.core.periods import Period, PeriodError
from uythac.ledger.models import LedgerPeriod, PeriodStatus


@dataclass
class StepReport:
    step: str
    label: str
    status: str  # "done" (ran now), "skipped" (DONE before), "not_applicable"
    rows: int = 0
    seconds: float = 0.0


@dataclass
class CloseReport:
    period: str
    scope: str
    run: int
    steps: list[StepReport] = field(default_factory=list)
    seconds: float = 0.0
    ledger_period: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def period_parse(value) -> Period:
    if isinstance(value, Period):
        period = value
    else:
        try:
            period = Period.parse(str(value or ""))
        except PeriodError:
            raise DomainError(
                _("Kỳ «%(value)s» không hợp lệ: cần dạng YYYY-MM, ví dụ 2026-10.") % {"value": value}, field="period"
            ) from None
    if period.last_day >= today():
        raise DomainError(
            _("Kỳ %(period)s chưa kết thúc: chỉ khóa sổ được từ ngày %(date)s.")
            % {"period": period, "date": format_date(period.last_day + dt.timedelta(days=1))},
            field="period",
        )
    return period


def _check_actor(actor, scope: CloseScope, close_ledger: bool) -> None:
    if actor is not None and getattr(actor, "role", None) != Role.ADMIN:
        raise DomainError(_("Chỉ quản trị hệ thống được chạy khóa sổ cuối tháng."), field="user")
    if actor is None and scope.is_country and close_ledger:
        raise DomainError(
            _("Khóa sổ toàn quốc khóa luôn kỳ kế toán: cần tài khoản quản trị (--user), hoặc dùng --keep-ledger-open "
              "để giữ kỳ kế toán mở."),
            field="user",
        )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _refusal(running: ClosingRun, scope: CloseScope, period: Period) -> DomainError:
    started = timezone.localtime(running.started_at)
    details = {
        "id": running.pk, "period": running.period, "scope": scope_label(running.scope),
        "at": f"{started:%H:%M:%S} {format_date(started.date())}", "pid": running.pid, "host": running.host,
    }
    if running.scope == scope.key and running.period == str(period):
        message = _("Kỳ %(period)s, phạm vi %(scope)s đang được khóa sổ bởi một lần chạy khác (#%(id)s, bắt đầu lúc "
                    "%(at)s, tiến trình %(pid)s trên máy %(host)s): không chạy hai lần cùng lúc. Hãy chờ lần đó kết "
                    "thúc; nếu tiến trình đó đã dừng hẳn, chạy lại với --takeover.")
    else:
        message = _("Đang có lần khóa sổ khác chạy (#%(id)s: kỳ %(period)s, phạm vi %(scope)s, bắt đầu lúc %(at)s, "
                    "tiến trình %(pid)s trên máy %(host)s): mỗi lúc chỉ chạy một lần khóa sổ. Hãy chờ lần đó kết "
                    "thúc; nếu tiến trình đó đã dừng hẳn, chạy lại với --takeover.")
    return DomainError(message % details, field="period")


def _acquire(scope: CloseScope, period: Period, actor, *, redo: bool, takeover: bool) -> ClosingRun:
    host = socket.gethostname()[:100]
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return ClosingRun.objects.create(
                    scope=scope.key, period=str(period), lock_key=CLOSE_LOCK, status=RunStatus.RUNNING,
                    started_at=timezone.now(), pid=os.getpid(), host=host,
                    actor=actor if getattr(actor, "pk", None) else None, redo=redo,
                )
        except IntegrityError:
            running = ClosingRun.objects.filter(lock_key=CLOSE_LOCK, status=RunStatus.RUNNING).first()
            if running is None:
                continue
            stale = running.host == host and not _process_alive(running.pid)
            if not (stale or takeover):
                raise _refusal(running, scope, period) from None
            running.status = RunStatus.ABANDONED
            running.finished_at = timezone.now()
            running.error = _("Bị thay thế bởi một lần chạy mới (tiến trình cũ không còn chạy).")
            running.save(update_fields=["status", "finished_at", "error"])
    raise DomainError(_("Không giữ được khóa khóa sổ; hãy chạy lại."), field="period")


def _release(run: ClosingRun, status: str, error: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.error = error[:2000]
    run.save(update_fields=["status", "finished_at", "error"])


def _mark_started(ctx: CloseContext, step_name: str, run: ClosingRun) -> ClosingStepState:
    with transaction.atomic():
        state, _created = ClosingStepState.objects.select_for_update().get_or_create(
            scope=ctx.scope.key, period=ctx.key, step=step_name,
            defaults={"status": StepStatus.STARTED, "started_at": timezone.now()},
        )
        state.status = StepStatus.STARTED
        state.started_at = timezone.now()
        state.finished_at = None
        state.attempts += 1
        state.run = run
        state.save()
    return state


def _vnd_count(value: int) -> str:
    return number_format(value, force_grouping=True)


def close_month(
    *,
    period,
    scope: str | None = None,
    actor=None,
    close_ledger: bool = True,
    redo: bool = False,
    takeover: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CloseReport:
    say = progress or (lambda _message: None)
    period = period_parse(period)
    scope = scope if isinstance(scope, CloseScope) else scope_parse(scope)
    _check_actor(actor, scope, close_ledger)
    run = _acquire(scope, period, actor, redo=redo, takeover=takeover)
    ctx = CloseContext(period=period, scope=scope, actor=actor, run_id=run.pk, close_ledger=close_ledger)
    report = CloseReport(period=str(period), scope=scope.key, run=run.pk)
    started = time.perf_counter()
    say(_("Khóa sổ kỳ %(period)s, phạm vi %(scope)s (lần chạy #%(run)s)")
        % {"period": period, "scope": scope.label, "run": run.pk})
    try:
        rerun_rest = redo
        steps = close_steps()
        for number, step in enumerate(steps, start=1):
            prefix = f"[{number}/{len(steps)}] {step.label}"
            if not step.applies(ctx):
                report.steps.append(StepReport(step.name, str(step.label), "not_applicable"))
                say(_("%(prefix)s: không áp dụng cho phạm vi này") % {"prefix": prefix})
                continue
            state = ClosingStepState.objects.filter(scope=scope.key, period=ctx.key, step=step.name).first()
            if state is not None and state.status == StepStatus.DONE and not rerun_rest:
                report.steps.append(StepReport(step.name, str(step.label), "skipped", state.rows, 0.0))
                say(_("%(prefix)s: đã xong trước đây (%(rows)s dòng), bỏ qua")
                    % {"prefix": prefix, "rows": _vnd_count(state.rows)})
                continue
            half_done = state is not None
            say(_("%(prefix)s…") % {"prefix": prefix} + (_(" (làm lại)") if half_done else ""))
            state = _mark_started(ctx, step.name, run)
            step_started = time.perf_counter()
            with transaction.atomic():
                sql.tune_batch_transaction()
                if half_done:
                    step.cleanup(ctx)
                rows = step.run(ctx)
                state.status = StepStatus.DONE
                state.finished_at = timezone.now()
                state.rows = rows
                state.seconds = round(time.perf_counter() - step_started, 3)
                state.save()
                audit_event_record(actor=actor, action="closing.step_done", instance=state, before=None,
                                   after=snapshot(state))
            rerun_rest = True
            report.steps.append(StepReport(step.name, str(step.label), "done", rows, state.seconds))
            say(_("%(prefix)s: %(rows)s dòng, %(seconds)s giây")
                % {"prefix": prefix, "rows": _vnd_count(rows), "seconds": number_format(state.seconds, 2)})
    except BaseException as exc:
        _release(run, RunStatus.FAILED, f"{type(exc).__name__}: {exc}")
        say(_("Dừng vì lỗi; chạy lại close-month để làm tiếp từ bước dở dang."))
        raise
    report.seconds = round(time.perf_counter() - started, 3)
    closed = LedgerPeriod.objects.filter(period=ctx.key, status=PeriodStatus.CLOSED).exists()
    report.ledger_period = "CLOSED" if closed else "OPEN"
    with transaction.atomic():
        _release(run, RunStatus.DONE)
        audit_event_record(actor=actor, action="closing.close_month", instance=run, before=None, after=snapshot(run),
                           note=f"{report.seconds} s")
    say(_("Xong trong %(seconds)s giây.") % {"seconds": number_format(report.seconds, 2)})
    return report
