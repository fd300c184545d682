# Sourced by bin/start and bin/test: create .venv and install the pinned requirements when they changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv in .venv with $($PYTHON --version)…"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing the pinned requirements…"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  rm -f .venv/.installed-*
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
