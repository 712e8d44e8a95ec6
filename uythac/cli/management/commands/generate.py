"""uythac generate --profile demo|seed2020 [--seed N] [--reset]

Builds a deterministic synthetic dataset on real communes (same profile and seed → the same data; ``demo`` is
dated today, ``seed2020`` at 31/12/2020) and prints a JSON summary: counts by entity and by organization, the
seconds taken. Profiles are described in ``uythac.synthetic.profiles``: ``demo`` uses province 15 Lào Cai,
``seed2020`` province 24 Bắc Ninh (the communes of former Bắc Giang, which had the seed province's 10 districts).

Existing data: a province already generated is refused unless ``--reset`` is given, which deletes that
province's generated data (and the accounts scoped inside it) first; a province holding data entered any other
way is always refused. One audit event (actor "generate") records each run.
"""

import json

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from uythac.cli.base import UythacCommand
from uythac.core.exceptions import DomainError
from uythac.synthetic.profiles import PROFILES
from uythac.synthetic.runner import generate_dataset


class Command(UythacCommand):
    help = "Sinh dữ liệu mẫu xác định (demo hoặc seed2020) trên các xã thật."

    def add_arguments(self, parser: CommandParser):
        parser.add_argument("--profile", help="Hồ sơ dữ liệu: " + ", ".join(PROFILES) + ".")
        parser.add_argument("--seed", default="1", help="Hạt giống ngẫu nhiên (số nguyên, mặc định 1).")
        parser.add_argument("--reset", action="store_true", help="Xóa dữ liệu do generate tạo trước đó rồi tạo lại.")

    def run(self, **options):
        if not options["profile"]:
            raise DomainError(
                _("Thiếu --profile; chọn một trong: %(names)s.") % {"names": ", ".join(PROFILES)}, field="profile"
            )
        seed = str(options["seed"]).strip()
        if not seed.lstrip("-").isdigit():
            raise DomainError(_("--seed phải là một số nguyên, không phải «%(seed)s».") % {"seed": seed}, field="seed")
        summary = generate_dataset(options["profile"], seed=int(seed), reset=options["reset"])
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
