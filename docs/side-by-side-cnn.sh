#!/usr/bin/env bash
# Side-by-side CNN training throughput: vecprop vs the PyTorch anchor (../shared/anchors/pytorch/cnn.py),
# alternating runs in one session at 1 and 2 threads, on the same number of MNIST samples.
# vecprop trains two epochs of them and reports the second (steady state, JIT warm); PyTorch's figure
# is its median step.
# Needs python3-torch (Debian); MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side-cnn.sh MODEL [samples] [rounds]      MODEL = lenet | convnet
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: docs/side-by-side-cnn.sh lenet|convnet [samples] [rounds]}
samples=${2:-12800}
rounds=${3:-2}
anchor=${ANCHOR:-../shared/anchors/pytorch/cnn.py}
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop train --arch "$model" --epochs 2 --limit "$samples" --threads "$t" --json --no-progress 2>/dev/null | tail -n1)
    echo "round $r vecprop $model threads=$t $(printf '%s' "$v" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({"epoch2_samples_per_s": d["epoch_samples_per_second"][-1], "threads": d["threads"]}))')"
    p=$(/usr/bin/python3 "$anchor" --model "$model" --threads "$t" --batch 64 --epochs 1 --max-train "$samples" \
        --data data/mnist --infer-reps 0 --wait-quiet 5 2>/dev/null)
    echo "round $r pytorch $model threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d.get(k) for k in ("samples_per_s_from_median_step","train_gflops_from_median_step","max_others_cores")}))')"
  done
done
