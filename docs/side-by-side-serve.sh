#!/usr/bin/env bash
# Side-by-side serving: vecprop's `bench serve` (one shared InferenceSession: batch-1 latency from T
# request threads, batch-1000 throughput) vs the PyTorch anchor's inference (pytorch/mlp.py of the
# anchors: --infer-reps, --latency-reps), MLP 784-256-128-10 on the MNIST test images, 1 and 2
# threads, round after round; PyTorch with both OpenBLAS kernel sets (Debian's default Haswell ones
# and, with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset, the CPU's own: the stronger anchor on AVX-512).
# Needs Debian's python3-torch with libopenblas0-pthread; MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side-serve.sh [--anchors DIR] [rounds]   (default: 3 rounds)
#   --anchors DIR   the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors from the repository root)
set -euo pipefail
anchor_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchor_opts+=(--anchors "$(realpath -m "${2:?--anchors needs a folder}")"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/side-by-side-serve.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -n "${VECPROP_ANCHORS:-}" ] && export VECPROP_ANCHORS="$(realpath -m "$VECPROP_ANCHORS")"
[ -n "${VECPROP_DATA:-}" ] && export VECPROP_DATA="$(realpath -m "$VECPROP_DATA")"
cd "$(dirname "$0")/.."
rounds=${1:-3}
data="${VECPROP_DATA:-data}/mnist"
docs/anchor.sh "${anchor_opts[@]}" --check mlp.py
pick='import json,sys; d=json.load(sys.stdin); i=d["infer_samples_per_s"]; l=d["latency_us"]
print(json.dumps({"batch1000_samples_per_s": i["median"], "latency_p50_us": l["p50"], "latency_p99_us": l["p99"]}))'
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop bench serve --threads "$t" --json 2>/dev/null | tail -n1)
    echo "round $r vecprop threads=$t $v"
    for blas in haswell native; do
      nb=(); [ "$blas" = native ] && nb=(--native-blas)
      p=$(docs/anchor.sh "${anchor_opts[@]}" "${nb[@]}" mlp.py --threads "$t" --batch 64 --epochs 1 --max-train 640 \
          --data "$data" --infer-reps 10 --latency-reps 2000 --wait-quiet 5 2>/dev/null)
      echo "round $r pytorch-$blas threads=$t $(printf '%s' "$p" | /usr/bin/python3 -c "$pick")"
    done
  done
done
