"""uythac bench close-month [--profile seed2020] [--period YYYY-MM] [--baseline N] [--loans N] [--scope CODE]

Benchmarks (not tests): prints one JSON document on stdout, progress on stderr. ``close-month`` times the set-based
month-end close on the profile's generated loans (for the month of their latest disbursement), or, when the profile
has none or ``--loans N`` is given, on N loans bulk-loaded on its households (default 100,000, last month), per
step, with rows per second and peak memory, against the naive per-loan loop run on ``--baseline`` loans (default 300)
and extrapolated; everything but the profile's generated data is rolled back (see ``uythac.closing.bench``). The
profile is generated first when its province is empty (``generate_seconds`` in the output).
"""

import json
import time

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.closing.bench import bench_close_month
from uythac.core.exceptions import DomainError
from uythac.geography.models import Province
from uythac.groups.models import SavingsGroup
from uythac.synthetic.runner import generate_dataset, profile_get

TARGETS = ("close-month",)


def _positive(value, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise DomainError(
            _("--%(name)s phải là số nguyên dương, không phải «%(value)s».") % {"name": name, "value": text},
            field=name,
        )
    return int(text)


class Command(UythacCommand):
    help = "Đo tốc độ: uythac bench close-month (khóa sổ cuối tháng theo tập hợp so với vòng lặp từng món)."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("target", nargs="?", help="Phép đo: close-month.")
        parser.add_argument("--profile", default="seed2020", help="Hồ sơ dữ liệu (mặc định seed2020).")
        parser.add_argument("--period", default="", help="Kỳ khóa sổ YYYY-MM (mặc định: tháng trước).")
        parser.add_argument("--loans", default="",
                            help="Số món vay nạp thử (mặc định: dùng món vay của hồ sơ nếu có, nếu không 100000).")
        parser.add_argument("--baseline", default="300", help="Số món cho vòng lặp từng món (mặc định 300).")
        parser.add_argument("--scope", default="", help="Phạm vi khóa sổ (mặc định toàn quốc).")
        parser.add_argument("--seed", default="1", help="Hạt giống dữ liệu món vay (mặc định 1).")

    def run(self, **options):
        if options["target"] not in TARGETS:
            raise DomainError(_("Chọn phép đo: %(targets)s.") % {"targets": ", ".join(TARGETS)}, field="target")
        profile = profile_get(options["profile"])
        generate_seconds = None
        province = Province.objects.get(code=profile.province_code)
        if not SavingsGroup.objects.filter(commune__province=province).exists():
            self.stderr.write(f"generate --profile {options['profile']} …")
            started = time.perf_counter()
            generate_dataset(options["profile"], seed=1, reset=False)
            generate_seconds = round(time.perf_counter() - started, 2)
        result = bench_close_month(
            province_code=profile.province_code, period=options["period"] or None,
            loans=_positive(options["loans"], "loans") if options["loans"] else None,
            baseline=_positive(options["baseline"], "baseline"),
            seed=_positive(options["seed"], "seed"), scope=options["scope"] or None,
            progress=lambda message: self.stderr.write(message),
        )
        result = {"bench": "close-month", "profile": options["profile"], "generate_seconds": generate_seconds,
                  **result}
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
