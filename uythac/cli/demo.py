"""``uythac demo``: rebuild the demo dataset and one login per role on its real codes.

The logins share one demo password. Their scope is taken from the generated data: the province, the PGD serving
the commune with the most groups (the "showcase" commune), that commune, a Women's Union group in it, …
so every persona lands on a page with content.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from uythac.accounts.models import Role, User
from uythac.cli.users import CommandActor, user_create_from_codes
from uythac.closing.runner import close_month
from uythac.core.guards import today
from uythac.core.periods import Period
from uythac.geography.models import Commune, Province
from uythac.groups.models import GroupStatus, SavingsGroup
from uythac.network.models import TransactionOffice
from uythac.synthetic.profiles import PROFILES
from uythac.synthetic.runner import generate_dataset

DEMO_PROFILE = "demo"
DEMO_SEED = 1
DEMO_PASSWORD = "uythac-demo"
#: Months closed after the build, so that the dashboards, scores and fees have their 12-month trend from the start.
DEMO_CLOSED_MONTHS = 12
ASCII_ABBREVIATIONS = {"11": "hnd", "12": "hpn", "13": "hccb", "14": "dtn"}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str | None  # the --scope code
    org: str | None
    scope_label: str


def _showcase(province: Province) -> tuple[Commune, TransactionOffice, list[Commune]]:
    commune = (
        Commune.objects.filter(province=province, savings_groups__status=GroupStatus.ACTIVE)
        .annotate(groups=Count("savings_groups"))
        .order_by("-groups", "code")
        .first()
    )
    office = TransactionOffice.objects.filter(communes=commune).order_by("code").first()
    neighbours = list(office.communes.exclude(id=commune.id).order_by("code")[:1])
    return commune, office, [commune, *neighbours]


def demo_logins_plan(province: Province) -> list[DemoLogin]:
    """The logins for the generated demo province (codes depend on the data, so computed after generation)."""
    commune, office, officer_communes = _showcase(province)
    groups = SavingsGroup.objects.filter(commune=commune, status=GroupStatus.ACTIVE).order_by("code")
    group = groups.filter(association_unit__organization__code="12").first() or groups.first()
    communes_label = ", ".join(f"{c.name} ({c.code})" for c in officer_communes)
    return [
        DemoLogin("admin", DEMO_PASSWORD, Role.ADMIN, None, None, "toàn hệ thống"),
        DemoLogin(f"cn_{province.code}", DEMO_PASSWORD, Role.BRANCH_STAFF, province.code, None,
                  f"Tỉnh {province.name} ({province.code})"),
        DemoLogin(f"pgd_{office.code}", DEMO_PASSWORD, Role.PGD_STAFF, office.code, None,
                  f"{office.name} ({office.code})"),
        DemoLogin(f"cbtd_{office.code}", DEMO_PASSWORD, Role.CREDIT_OFFICER,
                  ",".join(c.code for c in officer_communes), None, f"{office.code}: {communes_label}"),
        DemoLogin(f"hoi_tinh_{ASCII_ABBREVIATIONS['11']}", DEMO_PASSWORD, Role.PROVINCE_ASSOCIATION, province.code,
                  "11", f"Hội Nông dân — tỉnh {province.name}"),
        DemoLogin(f"hoi_xa_{ASCII_ABBREVIATIONS['12']}_{commune.code}", DEMO_PASSWORD, Role.COMMUNE_ASSOCIATION,
                  commune.code, "12", f"Hội LHPN — {commune.name} ({commune.code})"),
        DemoLogin(f"totruong_{group.code}", DEMO_PASSWORD, Role.GROUP_LEADER, group.code, None,
                  f"{group.name} ({group.code})"),
        DemoLogin(f"ubnd_{commune.code}", DEMO_PASSWORD, Role.COMMUNE_VIEWER, commune.code, None,
                  f"{commune.name} ({commune.code}), chỉ xem"),
    ]


def demo_build() -> tuple[dict, list[DemoLogin]]:
    """Rebuild the demo data and its logins in one transaction; returns the generation summary and the logins."""
    actor = CommandActor("demo")
    with transaction.atomic():
        summary = generate_dataset(DEMO_PROFILE, seed=DEMO_SEED, reset=True)
        logins = demo_logins_plan(Province.objects.get(code=PROFILES[DEMO_PROFILE].province_code))
        # Accounts scoped inside the province went with the reset; the unscoped demo admin is replaced here.
        for user in User.objects.filter(username__in=[login.username for login in logins]):
            user.delete()
        for login in logins:
            user_create_from_codes(
                actor=actor, username=login.username, password=login.password, role=login.role, scope=login.scope,
                org=login.org,
            )
    summary["closed_periods"] = demo_close_months(PROFILES[DEMO_PROFILE].province_code)
    return summary, logins


def demo_close_months(province_code: str, months: int = DEMO_CLOSED_MONTHS) -> list[str]:
    """Close the last ``months`` ended months of the demo province, oldest first (``redo``: the rebuilt data
    replaces whatever an earlier demo closed)."""
    period = Period.of(today()).previous()
    periods = []
    for _index in range(months):
        periods.append(period)
        period = period.previous()
    for period in reversed(periods):
        close_month(period=period, scope=province_code, redo=True)
    return [str(period) for period in reversed(periods)]


def logins_table(logins: list[DemoLogin]) -> str:
    headers = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Phạm vi")
    rows = [(login.username, login.password, str(Role(login.role).label), login.scope_label) for login in logins]
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(len(headers))]

    def line(cells) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])
