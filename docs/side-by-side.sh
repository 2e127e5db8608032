#!/usr/bin/env bash
# Side-by-side MLP training throughput: vecprop vs the PyTorch anchor (pytorch/mlp.py of the anchors),
# alternating runs in one session, 1 and 2 threads, round after round (docs/PERFORMANCE.md, "Method").
# Needs Debian's python3-torch with libopenblas0-pthread; MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side.sh [--anchors DIR] [--native-blas] [epochs [rounds]]   (default: 3 epochs, 2 rounds)
#   --anchors DIR   the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors from the repository root)
#   --native-blas   run PyTorch with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see docs/anchor.sh)
set -euo pipefail
anchor_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchor_opts+=(--anchors "$(realpath -m "${2:?--anchors needs a folder}")"); shift 2 ;;
    --native-blas) anchor_opts+=(--native-blas); shift ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/side-by-side.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -n "${VECPROP_ANCHORS:-}" ] && export VECPROP_ANCHORS="$(realpath -m "$VECPROP_ANCHORS")"
[ -n "${VECPROP_DATA:-}" ] && export VECPROP_DATA="$(realpath -m "$VECPROP_DATA")"
cd "$(dirname "$0")/.."
epochs=${1:-3}
rounds=${2:-2}
data="${VECPROP_DATA:-data}/mnist"
docs/anchor.sh "${anchor_opts[@]}" --check mlp.py
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop train --epochs "$epochs" --threads "$t" --json --no-progress 2>/dev/null | tail -n1)
    echo "round $r vecprop threads=$t $v"
    p=$(docs/anchor.sh "${anchor_opts[@]}" mlp.py --threads 1 --blas-threads "$t" --batch 64 --epochs "$epochs" \
        --data "$data" --infer-reps 3 --wait-quiet 5 2>/dev/null)
    echo "round $r pytorch blas_threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d[k] for k in ("samples_per_s_from_median_step","samples_per_s_steady","test_acc","max_others_cores","infer_samples_per_s")}))')"
  done
done
