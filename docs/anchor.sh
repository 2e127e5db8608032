#!/usr/bin/env bash
# Runs one of the PyTorch anchor scripts (pytorch/mlp.py, cnn.py, seq.py, gemm.py of the anchors)
# with Debian's /usr/bin/python3, from anywhere.
# Usage: docs/anchor.sh [--anchors DIR] [--native-blas] [--check] SCRIPT.py [ARGS...]
#   --anchors DIR   the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors
#                   relative to the repository root); a relative DIR is relative to the caller
#   --native-blas   run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, so OpenBLAS picks its
#                   kernels for this CPU (AVX-512 ones on Zen 5: the stronger anchor there)
#   --check         only check that SCRIPT.py is there (exit 2 with a message if not)
# Example: docs/anchor.sh gemm.py --threads 1 --libs torch --shapes fwd1,sq1024 --no-check
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
anchors="${VECPROP_ANCHORS:-$repo/../shared/anchors}"
run=(env)
check=
while [ $# -gt 0 ]; do
  case "$1" in
    --anchors) anchors="${2:?docs/anchor.sh: --anchors needs a folder}"; shift 2 ;;
    --native-blas) run=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE); shift ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --*) echo "docs/anchor.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
script="${1:?usage: docs/anchor.sh [--anchors DIR] [--native-blas] [--check] SCRIPT.py [ARGS...]}"
shift
if [ ! -f "$anchors/pytorch/$script" ]; then
  echo "docs/anchor.sh: no $anchors/pytorch/$script (pass --anchors DIR or set VECPROP_ANCHORS)" >&2
  exit 2
fi
[ -n "$check" ] && exit 0
exec "${run[@]}" /usr/bin/python3 "$anchors/pytorch/$script" "$@"
