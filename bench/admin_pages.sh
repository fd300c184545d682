#!/usr/bin/env bash
# Admin pages on the demo data and on the big set, alternated twice: bench/admin_pages.sh DEMO_DB BIG_DB [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
for round in 1 2; do
  for database in "$1" "$2"; do
    echo "== round $round"
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" .venv/bin/python bench/admin_pages.py --runs "${3:-10}" 2>/dev/null
  done
done
