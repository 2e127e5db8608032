#!/usr/bin/env bash
# Side-by-side recurrent training throughput on sequential MNIST (28 rows = 28 steps, batch 64,
# hidden 128): vecprop vs the PyTorch anchor (pytorch/seq.py of the anchors, nn.LSTM / nn.GRU),
# alternating runs in one session at 1 and 2 threads, on the same number of MNIST samples.
# vecprop trains two epochs of them and reports the second (steady state, JIT warm); PyTorch's figure
# is its median step. Needs Debian's python3-torch; MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side-seq.sh [--anchors DIR] [--native-blas] MODEL [samples [rounds]]
#   MODEL = lenet | convnet; default 12800 samples, 2 rounds
#   --anchors DIR   the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors from the repository root)
#   --native-blas   run PyTorch with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see docs/anchor.sh)
set -euo pipefail
anchor_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchor_opts+=(--anchors "$(realpath -m "${2:?--anchors needs a folder}")"); shift 2 ;;
    --native-blas) anchor_opts+=(--native-blas); shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/side-by-side-seq.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -n "${VECPROP_ANCHORS:-}" ] && export VECPROP_ANCHORS="$(realpath -m "$VECPROP_ANCHORS")"
[ -n "${VECPROP_DATA:-}" ] && export VECPROP_DATA="$(realpath -m "$VECPROP_DATA")"
cd "$(dirname "$0")/.."
model=${1:?usage: docs/side-by-side-seq.sh [--anchors DIR] [--native-blas] lstm|gru [samples [rounds]]}
samples=${2:-12800}
rounds=${3:-2}
data="${VECPROP_DATA:-data}/mnist"
docs/anchor.sh "${anchor_opts[@]}" --check seq.py
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop train --arch "$model" --epochs 2 --limit "$samples" --threads "$t" --json --no-progress 2>/dev/null | tail -n1)
    echo "round $r vecprop $model threads=$t $(printf '%s' "$v" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"epoch2_samples_per_s": d["epoch_samples_per_second"][-1], "threads": d["threads"]}))')"
    p=$(docs/anchor.sh "${anchor_opts[@]}" seq.py --model "$model" --threads "$t" --batch 64 --epochs 1 --max-train "$samples" \
        --data "$data" --wait-quiet 5 2>/dev/null)
    echo "round $r pytorch $model threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d.get(k) for k in ("samples_per_s_from_median_step","train_gflops_from_median_step","max_others_cores")}))')"
  done
done
