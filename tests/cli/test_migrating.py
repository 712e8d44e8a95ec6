import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import ANY

import pytest
from django.core.management.base import OutputWrapper

from uythac.cli import migrating


def test_pending_migrations_are_announced_and_applied_quietly(monkeypatch):
    calls = []
    monkeypatch.setattr(migrating, "unapplied_migrations", lambda database="default": [("geography", "0002")])
    monkeypatch.setattr(migrating, "call_command", lambda *args, **kwargs: calls.append((args, kwargs)))
    err = io.StringIO()
    assert migrating.ensure_migrated(OutputWrapper(err)) is True
    assert err.getvalue() == "Đang tạo/cập nhật cơ sở dữ liệu…\n"
    assert calls == [(("migrate",), {"database": "default", "interactive": False, "verbosity": 0, "stdout": ANY})]


@pytest.mark.django_db
def test_migrated_database_is_left_alone():
    err = io.StringIO()
    assert migrating.ensure_migrated(OutputWrapper(err)) is False
    assert err.getvalue() == ""


def test_console_command_migrates_a_fresh_sqlite_database_then_answers_with_exit_codes(tmp_path):
    """The real console path: no database file, no data directory yet; exit codes 0 and 2."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["UYTHAC_DATA_DIR"] = str(tmp_path / "fresh" / "data")
    uythac = str(Path(sys.executable).parent / "uythac")
    base = [uythac, "createuser", "--password", "mat-khau-moi-2026", "--role", "branch_staff"]

    first = subprocess.run([*base, "--username", "cn24", "--scope", "24"], env=env, capture_output=True, text=True,
                           timeout=300, check=False)
    assert (first.returncode, first.stderr) == (0, "Đang tạo/cập nhật cơ sở dữ liệu…\n")
    assert json.loads(first.stdout) == {
        "username": "cn24", "role": "branch_staff", "scope": {"province": "24"}, "organization": None,
    }

    second = subprocess.run([*base, "--username", "cn99", "--scope", "99"], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert (second.returncode, second.stdout, second.stderr) == (2, "", "Không tìm thấy tỉnh có mã 99.\n")


def test_sqlite_directories_are_created_before_any_command(tmp_path, monkeypatch):
    databases = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "a" / "b" / "uythac.sqlite3"},
        "memory": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        "pg": {"ENGINE": "django.db.backends.postgresql", "NAME": "uythac"},
    }
    monkeypatch.setattr(migrating, "settings", SimpleNamespace(DATABASES=databases))
    migrating.ensure_sqlite_directories()
    assert (tmp_path / "a" / "b").is_dir()
    assert not (tmp_path / "a" / "b" / "uythac.sqlite3").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a"]
