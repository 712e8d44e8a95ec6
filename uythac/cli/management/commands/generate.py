"""uythac generate --profile demo|seed2020|national [--seed N] [--reset] [--months N] [--provinces N] [--groups N]

Builds a deterministic synthetic dataset on real communes (same profile and seed → the same data; ``demo`` is
dated today, ``seed2020`` at 31/12/2020) and prints a JSON summary: counts by entity and by organization, the
seconds taken. Profiles are described in ``uythac.synthetic.profiles``: ``demo`` uses province 15 Lào Cai,
``seed2020`` province 24 Bắc Ninh (the communes of former Bắc Giang, which had the seed province's 10 districts).

Existing data: a province already generated is refused unless ``--reset`` is given, which deletes that
province's generated data (and the accounts scoped inside it) first; a province holding data entered any other
way is always refused. One audit event (actor "generate") records each run.

``national`` (PostgreSQL only) is the benchmark dataset at national size (``uythac.synthetic.national``, ADR 0014):
every province and commune, ≈166,000 groups, ≈6.9 million households and the month-end snapshots of the last
``--months`` closed months (default 2); ``--provinces N`` / ``--groups N`` build a smaller copy (tests).
"""

import json

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.core.exceptions import DomainError
from uythac.synthetic.profiles import PROFILES
from uythac.synthetic.runner import generate_dataset


def _integer(value, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit():
        raise DomainError(
            _("--%(name)s phải là số nguyên dương, không phải «%(value)s».") % {"name": name, "value": text}, field=name
        )
    return int(text)


class Command(UythacCommand):
    help = "Sinh dữ liệu mẫu xác định (demo hoặc seed2020) trên các xã thật."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("--profile", help="Hồ sơ dữ liệu: " + ", ".join([*PROFILES, "national"]) + ".")
        parser.add_argument("--seed", default="1", help="Hạt giống ngẫu nhiên (số nguyên, mặc định 1).")
        parser.add_argument("--reset", action="store_true", help="Xóa dữ liệu do generate tạo trước đó rồi tạo lại.")
        parser.add_argument(
            "--months",
            default="2",
            help="Hồ sơ national: số tháng đã khóa sổ có số liệu cuối tháng (1–24, mặc định 2).",
        )
        parser.add_argument("--provinces", default="", help="Hồ sơ national: chỉ N tỉnh đầu (thu nhỏ để kiểm thử).")
        parser.add_argument("--groups", default="", help="Hồ sơ national: tổng số tổ (mặc định ≈166.000).")

    def run(self, **options):
        if not options["profile"]:
            raise DomainError(
                _("Thiếu --profile; chọn một trong: %(names)s.") % {"names": ", ".join([*PROFILES, "national"])},
                field="profile",
            )
        seed = str(options["seed"]).strip()
        if not seed.lstrip("-").isdigit():
            raise DomainError(_("--seed phải là một số nguyên, không phải «%(seed)s».") % {"seed": seed}, field="seed")
        extra = {}
        if options["profile"] == "national":
            extra["months"] = _integer(options["months"], "months")
            for name in ("provinces", "groups"):
                if str(options[name]).strip():
                    extra[name] = _integer(options[name], name)
        summary = generate_dataset(options["profile"], seed=int(seed), reset=options["reset"], **extra)
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
