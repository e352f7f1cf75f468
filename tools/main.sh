#!/usr/bin/env bash
# Command 1: the main job. Sets up .venv if needed, then runs the experiment notebooks with papermill and leaves the
# executed notebooks and their figures in the output folder.
#   bash tools/main.sh                                   # the embedded synthetic parts world -> runs/synthetic
#   bash tools/main.sh --data ../shared/data/cub50 --crop --out runs/cub50
# Options: --data NAME_OR_FOLDER ('synthetic' or a dataset folder), --out FOLDER, --crop, --seed N, --size PX.
set -euo pipefail
cd "$(dirname "$0")/.."
data=synthetic; out=""; crop=False; seed=0; size=224
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="${2:?--data needs a value}"; shift 2;;
    --out) out="${2:?--out needs a value}"; shift 2;;
    --crop) crop=True; shift;;
    --seed) seed="${2:?--seed needs a value}"; shift 2;;
    --size) size="${2:?--size needs a value}"; shift 2;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "main.sh: unknown argument '$1' (see --help)" >&2; exit 2;;
  esac
done
if [ "$data" != synthetic ] && [ ! -d "$data" ]; then echo "main.sh: --data: '$data' is neither 'synthetic' nor a folder" >&2; exit 2; fi
case "$seed" in ''|*[!0-9]*) echo "main.sh: --seed must be a non-negative integer, got '$seed'" >&2; exit 2;; esac
case "$size" in ''|*[!0-9]*) echo "main.sh: --size must be a positive integer, got '$size'" >&2; exit 2;; esac
[ -n "$out" ] || out="runs/$(basename "$data")"
bash tools/setup.sh
mkdir -p "$out"
[ "$data" = synthetic ] || data="$(cd "$data" && pwd)"
out="$(cd "$out" && pwd)"
.venv/bin/papermill nbs/experiments/00_data_overview.ipynb "$out/00_data_overview.ipynb" -k protonb --cwd nbs/experiments \
  -p dataset "$data" -p crop "$crop" -p seed "$seed" -p image_size "$size" -p out_dir "$out" --log-level WARNING
echo "main.sh: executed notebooks and figures are in $out"
ls "$out"
