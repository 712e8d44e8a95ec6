"""Base of uythac's own management commands.

They migrate first (``migrating.MigrateFirstMixin``) and turn a refused input (``DomainError``) into one clear
Vietnamese line on stderr and exit code 2 — the same whether run from the console or through ``call_command``
(which then raises ``SystemExit(2)``). Options are parsed without argparse's ``required``/``choices`` so that
a missing or wrong option also gets a Vietnamese message and exit code 2.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from uythac.cli.migrating import MigrateFirstMixin
from uythac.core.exceptions import DomainError

USAGE_ERROR = 2


class UythacCommand(MigrateFirstMixin, BaseCommand):
    def handle_migrated(self, *args, **options):
        try:
            return self.run(**options)
        except DomainError as exc:
            self.stderr.write(exc.text())
            raise SystemExit(USAGE_ERROR) from exc

    def run(self, **options):
        raise NotImplementedError

    @staticmethod
    def actor_from(username: str):
        """The active account named by ``--user`` (None when the option is empty: the system runs it)."""
        if not username:
            return None
        actor = get_user_model().objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise DomainError(_("Không có tài khoản «%(user)s» đang hoạt động.") % {"user": username}, field="user")
        return actor
