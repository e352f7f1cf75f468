#!/usr/bin/env bash
# Command 1: the main job. Sets up .venv if needed, then runs the experiment notebooks with papermill: the data
# overview, then ProtoPNet training (warm-up, joint, push, last layer, k-NN pruning) with the accuracy of every stage,
# the prototypes and an explanation figure. Executed notebooks, checkpoints and figures go to the output folder.
#   bash tools/main.sh                                               # the embedded synthetic parts world -> runs/synthetic
#   bash tools/main.sh --data ../shared/data/cub50 --crop --out runs/cub50
# Options: --data NAME_OR_FOLDER ('synthetic' or a dataset folder), --out FOLDER, --crop, --seed N, --size PX (default 160),
#   --epochs N (default 10), --warm-epochs N (default 6), --backbone NAME (default efficientnet_lite0, ImageNet-pretrained offline), --baseline (also the
#   linear-head baseline under the same budget), --smoke (the experiments' tiny smoke settings: a random tiny backbone).
set -euo pipefail
cd "$(dirname "$0")/.."
data=synthetic; out=""; crop=False; seed=0; size=160; epochs=10; warm=6; backbone=efficientnet_lite0; baseline=False; smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="${2:?--data needs a value}"; shift 2;;
    --out) out="${2:?--out needs a value}"; shift 2;;
    --crop) crop=True; shift;;
    --seed) seed="${2:?--seed needs a value}"; shift 2;;
    --size) size="${2:?--size needs a value}"; shift 2;;
    --epochs) epochs="${2:?--epochs needs a value}"; shift 2;;
    --warm-epochs) warm="${2:?--warm-epochs needs a value}"; shift 2;;
    --backbone) backbone="${2:?--backbone needs a value}"; shift 2;;
    --baseline) baseline=True; shift;;
    --smoke) smoke=1; shift;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "main.sh: unknown argument '$1' (see --help)" >&2; exit 2;;
  esac
done
if [ "$data" != synthetic ] && [ ! -d "$data" ]; then echo "main.sh: --data: '$data' is neither 'synthetic' nor a folder" >&2; exit 2; fi
for v in seed:$seed size:$size epochs:$epochs warm-epochs:$warm; do
  case "${v#*:}" in ''|*[!0-9]*) echo "main.sh: --${v%%:*} must be a non-negative integer, got '${v#*:}'" >&2; exit 2;; esac
done
[ "$epochs" -ge 2 ] || { echo "main.sh: --epochs must be at least 2, got '$epochs'" >&2; exit 2; }
[ "$warm" -lt "$epochs" ] || { echo "main.sh: --warm-epochs must be smaller than --epochs ($epochs), got '$warm'" >&2; exit 2; }
[ -n "$out" ] || out="runs/$(basename "$data")"
bash tools/setup.sh
mkdir -p "$out"
[ "$data" = synthetic ] || data="$(cd "$data" && pwd)"
out="$(cd "$out" && pwd)"
pm() { .venv/bin/papermill "nbs/experiments/$1" "$out/$1" -k protonb --cwd nbs/experiments --log-level WARNING "${@:2}"; }
pm 00_data_overview.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p image_size "$size" -p out_dir "$out"
common=(-p dataset "$data" -p crop "$crop" -p seed "$seed" -p out_dir "$out" -p baseline "$baseline")
if [ "$smoke" = 1 ]; then
  if [ "$data" = synthetic ]; then pm 01_protopnet.ipynb "${common[@]}"; else pm 01_protopnet.ipynb "${common[@]}" -y "data_kwargs: {}"; fi
else
  pm 01_protopnet.ipynb "${common[@]}" -y "data_kwargs: {}" -p backbone "$backbone" -p pretrained True -p image_size "$size" -p batch_size 32 \
     -p per_class 10 -p proto_dim 128 -p epochs "$epochs" -p warm_epochs "$warm" -p push_epochs "$epochs" -p last_epochs 10
fi
echo "main.sh: executed notebooks, checkpoints and figures are in $out"
ls "$out"
