#!/usr/bin/env bash
# Idempotent set-up: a virtualenv in .venv with the pinned stack, protonb in editable mode, a Jupyter kernel.
# Re-running is cheap: it does nothing when constraints.txt, settings.ini and setup.py are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.protonb-setup
want=$(cat constraints.txt settings.ini setup.py | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c "import protonb" 2>/dev/null; then exit 0; fi
echo "protonb: setting up .venv (first run takes a few minutes)" >&2
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]" >&2
.venv/bin/python -m ipykernel install --sys-prefix --name protonb --display-name "Python (protonb)" >/dev/null
.venv/bin/nbdev_install_hooks >/dev/null 2>&1 || true
echo "$want" > "$stamp"
