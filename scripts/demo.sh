#!/usr/bin/env bash
# The demo command of the README: install, build the SQLite demo database, print the demo logins and serve
# http://127.0.0.1:8000 . Rebuilds the demo database from scratch each time (use `uythac runserver` to keep it).
set -euo pipefail
cd "$(dirname "$0")/.."
UYTHAC_SKIP_BROWSER=1 bash scripts/bootstrap.sh
exec .venv/bin/uythac demo "$@"
