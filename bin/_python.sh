# Sourced by the operations scripts (bin/backup, bin/restore, bin/backup-nightly): find the Python that
# runs the app — the image's own in docker, else .venv (created by _bootstrap.sh as for bin/start).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x .venv/bin/python ]; then
  PYTHON=.venv/bin/python
elif python3 -c 'import django' 2>/dev/null; then
  PYTHON=python3
else
  source bin/_bootstrap.sh
  PYTHON=.venv/bin/python
fi
# As in bin/start: without DJANGO_DEBUG the settings demand production secrets a backup never uses.
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
