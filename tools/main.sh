#!/usr/bin/env bash
# Command 1: the main job. Sets up .venv if needed, then runs the experiment notebooks with papermill: the data
# overview, then ProtoPNet training (warm-up on the feature cache, joint, push, last layer, k-NN pruning) beside the
# linear-head baseline on the same backbone, data and wall-clock budget, with the accuracy of every stage, the
# prototypes and an explanation figure; then ProtoPShare's merge-pruning of the trained model (accuracy against the number
# of prototypes for the data-dependent, data-independent and random similarities and k-NN pruning, the class graph) in share/. Executed notebooks, checkpoints, figures and results.json go to the output folder.
#   bash tools/main.sh                                               # the embedded synthetic parts world -> runs/synthetic
#   bash tools/main.sh --data ../shared/data/cub50 --crop --out runs/cub50
#   bash tools/main.sh --method deformable                           # Deformable ProtoPNet vs nd vs ProtoPNet, Table 2 ablations -> runs/deformable-synthetic
# Options: --data NAME_OR_FOLDER ('synthetic' or a dataset folder), --out FOLDER, --crop, --seed N, --size PX, --warm-steps N,
#   --joint-steps N, --last-steps N, --views K (defaults: the `cpu` preset's, chosen on validation; size 160 and 200 joint steps
#   on the synthetic world, 224 and no joint steps on a folder), --backbone NAME (default efficientnet_lite0, pretrained offline),
#   --no-baseline (skip the linear-head baseline), --no-share (skip the ProtoPShare sweep that follows ProtoPNet's training),
#   --smoke (the experiments' tiny smoke settings: a random tiny backbone),
#   --method protopnet|deformable (default protopnet; deformable runs nbs/experiments/05_deformable.ipynb: warm-up, head with
#   offsets and last-layer steps on the feature cache, defaults 200/300/200 steps, 1 view, 5 prototypes a class, D = 64), --head-steps N.
set -euo pipefail
cd "$(dirname "$0")/.."
data=synthetic; out=""; crop=False; seed=0; size=""; warm=""; joint=""; last=""; views=""; backbone=efficientnet_lite0; baseline=True; share=True; smoke=0; method=protopnet; head=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="${2:?--data needs a value}"; shift 2;;
    --out) out="${2:?--out needs a value}"; shift 2;;
    --crop) crop=True; shift;;
    --seed) seed="${2:?--seed needs a value}"; shift 2;;
    --size) size="${2:?--size needs a value}"; shift 2;;
    --warm-steps) warm="${2:?--warm-steps needs a value}"; shift 2;;
    --joint-steps) joint="${2:?--joint-steps needs a value}"; shift 2;;
    --last-steps) last="${2:?--last-steps needs a value}"; shift 2;;
    --views) views="${2:?--views needs a value}"; shift 2;;
    --backbone) backbone="${2:?--backbone needs a value}"; shift 2;;
    --no-baseline) baseline=False; shift;;
    --no-share) share=False; shift;;
    --smoke) smoke=1; shift;;
    --method) method="${2:?--method needs a value}"; shift 2;;
    --head-steps) head="${2:?--head-steps needs a value}"; shift 2;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "main.sh: unknown argument '$1' (see --help)" >&2; exit 2;;
  esac
done
case "$method" in protopnet|deformable) ;; *) echo "main.sh: --method must be protopnet or deformable, got '$method'" >&2; exit 2;; esac
if [ "$data" != synthetic ] && [ ! -d "$data" ]; then echo "main.sh: --data: '$data' is neither 'synthetic' nor a folder" >&2; exit 2; fi
if [ "$data" = synthetic ]; then d_size=160; d_joint=200; else d_size=224; d_joint=0; fi
if [ "$method" = deformable ]; then warm=${warm:-200}; head=${head:-300}; last=${last:-200}; views=${views:-1}; fi
size=${size:-$d_size}; warm=${warm:-1000}; joint=${joint:-$d_joint}; last=${last:-500}; views=${views:-4}; head=${head:-0}
for v in seed:$seed size:$size warm-steps:$warm joint-steps:$joint head-steps:$head last-steps:$last views:$views; do
  case "${v#*:}" in ''|*[!0-9]*) echo "main.sh: --${v%%:*} must be a non-negative integer, got '${v#*:}'" >&2; exit 2;; esac
done
[ "$size" -ge 32 ] || { echo "main.sh: --size must be at least 32, got '$size'" >&2; exit 2; }
[ $((warm + joint + head)) -ge 1 ] || { echo "main.sh: --warm-steps + --joint-steps + --head-steps must be at least 1" >&2; exit 2; }
[ "$method" = deformable ] || [ "$head" = 0 ] || { echo "main.sh: --head-steps applies to --method deformable only" >&2; exit 2; }
if [ "$method" = deformable ]; then [ -n "$out" ] || out="runs/deformable-$(basename "$data")"; fi
[ -n "$out" ] || out="runs/$(basename "$data")"
bash tools/setup.sh
mkdir -p "$out"
[ "$data" = synthetic ] || data="$(cd "$data" && pwd)"
out="$(cd "$out" && pwd)"
pm() { .venv/bin/papermill "nbs/experiments/$1" "$out/$1" -k protonb --cwd nbs/experiments --log-level WARNING "${@:2}"; }
if [ "$method" = deformable ]; then
  dk=(); [ "$data" = synthetic ] || dk=(-y "data_kwargs: {}")
  pm 00_data_overview.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p image_size "$([ "$smoke" = 1 ] && echo 64 || echo "$size")" -p out_dir "$out"
  if [ "$smoke" = 1 ]; then pm 05_deformable.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p out_dir "$out" "${dk[@]}"
  else
    pm 05_deformable.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p out_dir "$out" -p baseline "$baseline" \
      -y "data_kwargs: {}" -p backbone "$backbone" -p pretrained True -p image_size "$size" -p batch_size 32 -p per_class 5 -p proto_dim 64 \
      -p warm_steps "$warm" -p head_steps "$head" -p last_steps "$last" -p views "$views"
  fi
elif [ "$smoke" = 1 ]; then
  pm 00_data_overview.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p image_size 64 -p out_dir "$out"
  common=(-p dataset "$data" -p crop "$crop" -p seed "$seed" -p out_dir "$out")
  if [ "$data" = synthetic ]; then pm 01_protopnet.ipynb "${common[@]}"; else pm 01_protopnet.ipynb "${common[@]}" -y "data_kwargs: {}"; fi
  [ "$share" = False ] || pm 04_share.ipynb -p checkpoint "$out/protopnet/best.pt" -p out_dir "$out/share" -y "strategies: {last: 5}" -p perturb_images 8 -p shared False
else
  pm 00_data_overview.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p image_size "$size" -p out_dir "$out"
  pm 01_protopnet.ipynb -p dataset "$data" -p crop "$crop" -p seed "$seed" -p out_dir "$out" -p baseline "$baseline" -y "data_kwargs: {}" \
     -p backbone "$backbone" -p pretrained True -p image_size "$size" -p batch_size 32 -p per_class 10 -p proto_dim 128 \
     -p warm_steps "$warm" -p joint_steps "$joint" -p last_steps "$last" -p views "$views"
  # ProtoPShare on the trained model: the sweeps of Fig. 6 (zeta 10%, h-only finetuning) down to 20% of the prototypes,
  # k-NN pruning, the class graph, Table 1 with h-only finetuning (experiments/04_share runs the rest of Table 1)
  [ "$share" = False ] || pm 04_share.ipynb -p checkpoint "$out/protopnet/best.pt" -p out_dir "$out/share" -p target 0.2 \
     -y "zetas: [10.0]" -y "strategies: {last: 25}" -p direct False -p shared False -p perturb_images 200 -y "magnitudes: [1.0]"
fi
echo "main.sh: executed notebooks, checkpoints and figures are in $out"
cat "$out/results.json"
