#!/usr/bin/env bash
# Admin pages on the demo data and on the big set, alternated:
#   bench/admin_pages.sh DEMO_DB BIG_DB [RUNS] [USER] [OTHER_TREE]
# Without OTHER_TREE: two rounds of (demo, big) on this tree. With it (a checkout of the "before", holding a copy of
# this bench/admin_pages.py and its own collected static files): one ABBA round, other / this / this / other, each
# on demo then big. Each run holds /work/wt/bench.lock (one benchmark at a time on the shared machine) and prints
# the load average first.
set -euo pipefail
cd "$(dirname "$0")/.."
trees=("$PWD" "$PWD")
if [ -n "${5:-}" ]; then trees=("$5" "$PWD" "$PWD" "$5"); fi
for tree in "${trees[@]}"; do
  for database in "$1" "$2"; do
    echo "== tree $tree, database $database, user ${4:-admin}"
    (cd "$tree" && DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database" \
      flock /work/wt/bench.lock .venv/bin/python bench/admin_pages.py --runs "${3:-10}" --user "${4:-admin}" 2>/dev/null)
  done
done
