#!/usr/bin/env bash
# Command 2: every test. Sets up .venv if needed, then checks that the notebooks are clean and the library is exactly
# what they export, runs every notebook (nbdev_test; experiments at their smoke parameters), pytest tests/ (CLI,
# papermill runs, bad input, the docs build), and ends with one line "N passed, N failed".
# Extra arguments go to nbdev_test, e.g. `bash tools/test.sh --flags "slow data"`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
exec .venv/bin/python tools/run_tests.py "$@"
