#!/usr/bin/env bash
# Side-by-side sequence-model training throughput: vecprop vs the PyTorch anchor (pytorch/seq.py of
# the anchors), alternating runs in one session at 1 and 2 threads, batch 64, on the same number of
# sequential-MNIST samples (28 rows of 28 pixels as 28 time steps). vecprop trains two epochs of them
# and reports the second (steady state, JIT warm); PyTorch's figure is its median step. Prints one
# line per run and, at the end, the median ratio vecprop/PyTorch per thread count.
# Needs Debian's python3-torch; MNIST in data/mnist (./vecprop train fetches it).
# Usage: docs/side-by-side-seq.sh [--anchors DIR] [--native-blas] MODEL [samples [rounds]]
#   MODEL = lstm | gru | transformer (nn.LSTM / nn.GRU hidden 128, or the Transformer); default 6400 samples, 3 rounds
#   --anchors DIR   the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors from the repository root)
#   --native-blas   run PyTorch with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (see docs/anchor.sh)
set -euo pipefail
anchor_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchor_opts+=(--anchors "$(realpath -m "${2:?--anchors needs a folder}")"); shift 2 ;;
    --native-blas) anchor_opts+=(--native-blas); shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/side-by-side-seq.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ -n "${VECPROP_ANCHORS:-}" ] && export VECPROP_ANCHORS="$(realpath -m "$VECPROP_ANCHORS")"
[ -n "${VECPROP_DATA:-}" ] && export VECPROP_DATA="$(realpath -m "$VECPROP_DATA")"
cd "$(dirname "$0")/.."
model=${1:?usage: docs/side-by-side-seq.sh [--anchors DIR] [--native-blas] lstm|gru|transformer [samples [rounds]]}
samples=${2:-6400}
rounds=${3:-3}
data="${VECPROP_DATA:-data}/mnist"
docs/anchor.sh "${anchor_opts[@]}" --check seq.py
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for r in $(seq 1 "$rounds"); do
  for t in 1 2; do
    v=$(./vecprop train --arch "$model" --epochs 2 --limit "$samples" --threads "$t" --json --no-progress 2>/dev/null | tail -n1)
    vs=$(printf '%s' "$v" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["epoch_samples_per_second"][-1])')
    echo "round $r vecprop $model threads=$t epoch2_samples_per_s=$vs"
    p=$(docs/anchor.sh "${anchor_opts[@]}" seq.py --model "$model" --threads "$t" --batch 64 --epochs 1 \
        --max-train "$samples" --data "$data" --wait-quiet 5 2>/dev/null)
    ps=$(printf '%s' "$p" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_s_from_median_step"])')
    echo "round $r pytorch $model threads=$t median_step_samples_per_s=$ps"
    echo "$t $vs $ps" >> "$log"
  done
done
/usr/bin/python3 - "$log" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for t in sorted({r[0] for r in rows}):
    v = [float(r[1]) for r in rows if r[0] == t]
    p = [float(r[2]) for r in rows if r[0] == t]
    print(f"threads={t}: vecprop median {statistics.median(v):,.0f} samples/s, PyTorch median {statistics.median(p):,.0f} "
          f"samples/s, ratio {statistics.median(v) / statistics.median(p):.2f}x")
PY
