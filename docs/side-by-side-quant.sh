#!/usr/bin/env bash
# Side-by-side serving of a float checkpoint and its int8 quantization: vecprop's `bench serve` on
# both (batch-1 latency p50/p99 from one shared InferenceSession, batch-1000 throughput) and the
# PyTorch anchor's fp32 and dynamic-int8 inference (pytorch/mlp.py --quantize dynamic of the anchors,
# the CPU's own OpenBLAS kernels: --native-blas), 1 and 2 threads, round after round.
# Needs Debian's python3-torch with libopenblas0-pthread; MNIST in data/mnist.
# Usage: docs/side-by-side-quant.sh [--anchors DIR] FLOAT.safetensors INT8.safetensors [rounds]  (default 3)
#   e.g. ./vecprop train --save /tmp/f.safetensors && ./vecprop quantize --model /tmp/f.safetensors --out /tmp/q.safetensors
set -euo pipefail
anchor_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchor_opts+=(--anchors "$(realpath -m "${2:?--anchors needs a folder}")"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/side-by-side-quant.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "usage: docs/side-by-side-quant.sh [--anchors DIR] FLOAT.safetensors INT8.safetensors [rounds]" >&2; exit 2; }
float=$(realpath "$1"); int8=$(realpath "$2"); rounds=${3:-3}
[ -n "${VECPROP_ANCHORS:-}" ] && export VECPROP_ANCHORS="$(realpath -m "$VECPROP_ANCHORS")"
cd "$(dirname "$0")/.."
data="${VECPROP_DATA:-data}/mnist"
docs/anchor.sh "${anchor_opts[@]}" --check mlp.py
pick='import json,sys; d=json.load(sys.stdin)
print(json.dumps({"fp32_batch1000": d["infer_samples_per_s"]["median"], "fp32_p50_us": d["latency_us"]["p50"],
                  "int8_batch1000": d["int8_infer_samples_per_s"]["median"], "int8_p50_us": d["int8_latency_us"]["p50"],
                  "engine": d.get("int8_engine")}))'
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    for m in float int8; do
      f=$float; [ "$m" = int8 ] && f=$int8
      v=$(./vecprop bench serve --model "$f" --threads "$t" --json 2>/dev/null | tail -n1)
      echo "round $r vecprop-$m threads=$t $v"
    done
    p=$(docs/anchor.sh "${anchor_opts[@]}" --native-blas mlp.py --threads "$t" --batch 64 --epochs 1 --max-train 640 \
        --data "$data" --quantize dynamic --infer-reps 10 --latency-reps 2000 --wait-quiet 5 2>/dev/null)
    echo "round $r pytorch threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c "$pick")"
  done
done
