"""uythac createuser --username U --password P --role ROLE [--scope CODE] [--org 11|12|13|14]

Creates one user with the scope of its role (codes explained in ``uythac.cli.users``) and prints
{"username", "role", "scope", "organization"} as JSON. Bad input: a Vietnamese message on stderr, exit code 2,
nothing created.
"""

import json

from uythac.cli.base import UythacCommand
from uythac.cli.users import ROLE_CODES, CommandActor, user_create_from_codes


class Command(UythacCommand):
    help = "Tạo người dùng với vai trò và phạm vi (dùng trong script)."

    def add_arguments(self, parser):
        parser.add_argument("--username", help="Tên đăng nhập.")
        parser.add_argument("--password", help="Mật khẩu (theo các quy tắc mật khẩu của hệ thống).")
        parser.add_argument("--role", help="Vai trò: " + ", ".join(ROLE_CODES) + ".")
        parser.add_argument(
            "--scope",
            help="Mã tỉnh (2 số), PGD (6 số), xã (5/6 số; cán bộ tín dụng: mã PGD hoặc các mã xã cách nhau bởi "
            "dấu phẩy) hoặc tổ (7 số), tùy vai trò; admin không cần.",
        )
        parser.add_argument("--org", help="Tổ chức hội 11|12|13|14 (bắt buộc với vai trò hội).")

    def run(self, **options):
        _user, description = user_create_from_codes(
            actor=CommandActor("createuser"), username=options["username"], password=options["password"],
            role=options["role"], scope=options["scope"], org=options["org"],
        )
        self.stdout.write(json.dumps(description, ensure_ascii=False))
