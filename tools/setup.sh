#!/usr/bin/env bash
# Idempotent set-up: a virtualenv in .venv with the pinned stack, protonb in editable mode, a Jupyter kernel.
# Re-running is cheap: it does nothing when constraints.txt, settings.ini, setup.py and tools/jupyter_server_config.py
# are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
stamp=.venv/.protonb-setup
want=$(cat constraints.txt settings.ini setup.py tools/jupyter_server_config.py | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && .venv/bin/python -c "import protonb" 2>/dev/null; then exit 0; fi
echo "protonb: setting up .venv (first run takes a few minutes)" >&2
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -c constraints.txt -e ".[dev]" >&2
.venv/bin/python -m ipykernel install --sys-prefix --name protonb --display-name "Python (protonb)" >/dev/null
.venv/bin/nbdev_install_hooks >/dev/null 2>&1 || true
# Notebooks saved from JupyterLab are cleaned by nbdev before they are written (settings.ini: jupyter_hooks = True)
mkdir -p .venv/etc/jupyter && cp tools/jupyter_server_config.py .venv/etc/jupyter/jupyter_server_config.py
echo "$want" > "$stamp"
