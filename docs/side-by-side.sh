#!/usr/bin/env bash
# Side-by-side training throughput: vecprop vs the PyTorch anchor (../shared/anchors/pytorch/mlp.py),
# alternating runs in one session, 1 and 2 threads. Needs python3-torch (Debian) and, for a fair
# PyTorch figure, OpenBLAS (libopenblas0-pthread); MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side.sh [epochs] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-3}
rounds=${2:-2}
anchor=${ANCHOR:-../shared/anchors/pytorch/mlp.py}
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop train --epochs "$epochs" --threads "$t" --json --no-progress 2>/dev/null | tail -n1)
    echo "round $r vecprop threads=$t $v"
    p=$(/usr/bin/python3 "$anchor" --threads 1 --blas-threads "$t" --batch 64 --epochs "$epochs" \
        --data data/mnist --infer-reps 3 --wait-quiet 5 2>/dev/null)
    echo "round $r pytorch blas_threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d[k] for k in ("samples_per_s_from_median_step","samples_per_s_steady","test_acc","max_others_cores","infer_samples_per_s")}))')"
  done
done
