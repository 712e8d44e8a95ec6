"""uythac demo [--addr 127.0.0.1:8000] [--no-server]

1. Migrate the database if needed (SQLite by default: var/uythac.sqlite3).
2. Rebuild the demo dataset from scratch (``generate --profile demo --seed 1 --reset``: Lào Cai, 13 communes,
   150 groups, 4,000 households) and one login per role on its real codes, sharing one demo password.
3. Print the logins, then serve http://ADDR/ with Django's development server (static files included), until
   Ctrl+C. ``--no-server`` stops after printing (tests, scripts).
"""

from django.core.management import call_command

from uythac.cli.base import UythacCommand
from uythac.cli.demo import DEMO_PASSWORD, demo_build, logins_table


class Command(UythacCommand):
    help = "Tạo lại dữ liệu demo, in các tài khoản demo và chạy máy chủ web."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Địa chỉ:cổng của máy chủ (mặc định 127.0.0.1:8000)."
        )
        parser.add_argument(
            "--no-server", action="store_true", help="Chỉ tạo dữ liệu và in tài khoản, không chạy máy chủ."
        )

    def run(self, **options):
        summary, logins = demo_build()
        counts = {key: f"{value:,}".replace(",", ".") for key, value in summary["counts"].items()}
        seconds = f"{summary['seconds']:.1f}".replace(".", ",")
        self.stdout.write(
            f"Đã tạo dữ liệu demo ở tỉnh {summary['province']['name']}: {summary['communes']} xã, "
            f"{counts['transaction_offices']} PGD, {counts['groups']} tổ, {counts['households']} hộ ({seconds} giây)."
        )
        closed = summary["closed_periods"]
        self.stdout.write(
            f"Đã khóa sổ {len(closed)} tháng ({closed[0]} … {closed[-1]}): số liệu tổng hợp, điểm và phí."
        )
        self.stdout.write("")
        self.stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
        self.stdout.write(logins_table(logins))
        self.stdout.write("")
        if options["no_server"]:
            return
        self.stdout.write(f"Mở http://{options['addr']}/ và đăng nhập bằng một tài khoản ở trên (Ctrl+C để dừng).")
        call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
