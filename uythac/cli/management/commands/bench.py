"""uythac bench <target> [options] — benchmarks (not tests): one JSON document on stdout, progress on stderr.

Targets live in ``BENCHES`` (target → function taking the parsed options and the command, returning the JSON-ready
result); a new benchmark adds its options in ``add_arguments`` and one entry there.

``score [--period YYYY-MM] [--scope CODE]``: scoring of a closed period, rolled back (``uythac.scoring.bench``).
``reports [--profile seed2020|national] [--runs N]``: dashboards, warm p50/p95; with ``national`` also the
entrustment report and BC0437 of the whole country (``uythac.reports.bench``).

``close-month [--profile seed2020] [--period YYYY-MM[,YYYY-MM…]] [--scope CODE] [--baseline N] [--loans N]
[--seed N]``: times the set-based month-end close against the naive per-loan loop (``uythac.closing.bench``).
When the profile's province has no loans yet, ``generate --profile`` runs first (committed, ``generate_seconds`` in
the output). Without ``--loans`` the generated loans are closed — by default for the month of their latest
disbursement and the month before (seed2020: 2020-11 and 2020-12), scope the profile's province; with ``--loans N``
N loans are bulk-loaded on the profile's households for the (last) period (default last month, whole country).
The naive loop runs on a seeded random sample of ``--baseline`` loans (default 300) and is extrapolated. Everything
but the generated data is rolled back.
"""

import json
import time

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.closing.bench import bench_close_month, bench_periods, province_has_loans
from uythac.closing.scope import scope_parse
from uythac.core.exceptions import DomainError
from uythac.geography.models import Province
from uythac.reports.bench import bench_dashboards
from uythac.synthetic.runner import generate_dataset, last_generation, profile_get


def _positive(value, name: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise DomainError(
            _("--%(name)s phải là số nguyên dương, không phải «%(value)s».") % {"name": name, "value": text},
            field=name,
        )
    return int(text)


def _ensure_generated(command, profile_name: str) -> float | None:
    """Generate the profile when its province has no loans yet (a generation made before the generator made loans
    is replaced: ``--reset`` only ever deletes what ``generate`` created). Returns the seconds taken, or None."""
    profile = profile_get(profile_name)
    if province_has_loans(profile.province_code):
        return None
    province = Province.objects.get(code=profile.province_code)
    command.stderr.write(f"generate --profile {profile_name} …")
    started = time.perf_counter()
    generate_dataset(profile_name, seed=1, reset=last_generation(province) is not None)
    return round(time.perf_counter() - started, 2)


def bench_close_month_command(command, options) -> dict:
    profile = profile_get(options["profile"])
    # Every option is checked before the (long) generation.
    loans = _positive(options["loans"], "loans") if options["loans"] else None
    baseline, seed = _positive(options["baseline"], "baseline"), _positive(options["seed"], "seed")
    periods = bench_periods(options["period"])
    scope = options["scope"].strip() or None
    scope_parse(scope)  # an unknown code is refused now
    generate_seconds = _ensure_generated(command, options["profile"])
    result = bench_close_month(
        province_code=profile.province_code, periods=periods, loans=loans, baseline=baseline, seed=seed, scope=scope,
        progress=lambda message: command.stderr.write(message),
    )
    return {"bench": "close-month", "profile": options["profile"], "generate_seconds": generate_seconds, **result}


def bench_score_command(command, options) -> dict:
    """``score --period YYYY-MM [--scope CODE]``: time the scoring of a closed period (``uythac.scoring.bench``)."""
    from uythac.scoring.bench import bench_score

    return bench_score(period=options["period"] or "2020-12", scope=options["scope"].strip() or None)


#: target → function(command, options) -> JSON-ready dict.
def bench_reports_command(command, options) -> dict:
    """Every dashboard page of the profile's province, warm, p50/p95 (reads the month-end snapshots already closed).
    ``--profile national``: the entrustment report of the whole country (build, JSON, XLSX), BC0437 of the whole
    country in XLSX, then every dashboard page of the largest province (by outstanding) and the national home."""
    if options["profile"] == "national":
        from uythac.reports.bench import bench_national_reports, largest_province

        say = lambda message: command.stderr.write(message)  # noqa: E731
        runs = _positive(options["runs"], "runs")
        national = bench_national_reports(runs=min(runs, 5), progress=say)
        dashboards = bench_dashboards(province_code=largest_province(), runs=runs, progress=say)
        return {"profile": "national", **national, "dashboards": dashboards}
    profile = profile_get(options["profile"])
    result = bench_dashboards(province_code=profile.province_code, runs=_positive(options["runs"], "runs"),
                              progress=lambda message: command.stderr.write(message))
    return {"profile": options["profile"], **result}


BENCHES = {"close-month": bench_close_month_command, "score": bench_score_command, "reports": bench_reports_command}


class Command(UythacCommand):
    help = "Đo tốc độ: uythac bench close-month (khóa sổ cuối tháng theo tập hợp so với vòng lặp từng món)."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("target", nargs="?", help="Phép đo: " + ", ".join(BENCHES) + ".")
        parser.add_argument("--profile", default="seed2020", help="Hồ sơ dữ liệu (mặc định seed2020).")
        parser.add_argument("--period", default="",
                            help="Kỳ khóa sổ YYYY-MM, có thể nhiều kỳ cách nhau bằng dấu phẩy (mặc định: tháng của "
                                 "dữ liệu và tháng trước đó, hoặc tháng trước nếu nạp món vay thử).")
        parser.add_argument("--loans", default="",
                            help="Số món vay nạp thử (mặc định: dùng món vay của hồ sơ nếu có, nếu không 100000).")
        parser.add_argument("--baseline", default="300", help="Số món cho vòng lặp từng món (mặc định 300).")
        parser.add_argument("--scope", default="",
                            help="Phạm vi khóa sổ (mặc định: tỉnh của hồ sơ; toàn quốc khi nạp món vay thử).")
        parser.add_argument("--runs", default="20", help="Số lần đo mỗi trang (bench reports, mặc định 20).")
        parser.add_argument("--seed", default="1", help="Hạt giống dữ liệu và mẫu (mặc định 1).")

    def run(self, **options):
        bench = BENCHES.get(options["target"])
        if bench is None:
            raise DomainError(_("Chọn phép đo: %(targets)s.") % {"targets": ", ".join(BENCHES)}, field="target")
        self.stdout.write(json.dumps(bench(self, options), ensure_ascii=False, indent=2))
