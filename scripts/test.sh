#!/usr/bin/env bash
# The test command of the README: lint, layer contract, migrations check, then the whole pytest suite.
# Runs on SQLite by default; set DATABASE_URL=postgres://… to run the same suite on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DJANGO_SETTINGS_MODULE=config.settings
echo "== ruff"; .venv/bin/ruff check .
echo "== import-linter"; .venv/bin/lint-imports --no-cache
echo "== makemigrations --check"; .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
echo "== pytest (${DATABASE_URL:-sqlite})"
.venv/bin/pytest -q "$@"
