#!/usr/bin/env bash
# The Rasch calibration against an independent implementation (docs/calibration.md): a
# simulated data set (fixed seed, 1,000 persons x 20 items) fitted by the service
# (`bank fit-csv`) and by the PyPI package girth (pinned in requirements.txt beside this file,
# in a virtual environment under the target folder); fails if any difficulty differs by more
# than 0.1 logit after both are centred on mean 0.
#
# Usage: tests/irt/check.sh [WORK_DIR]   (the data set and both fits are left there)
# Environment: IRT_BINARY (default $CARGO_TARGET_DIR/release/genomics-training),
# IRT_VENV (default $CARGO_TARGET_DIR/irt-venv).
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGET="${CARGO_TARGET_DIR:-target}"
BINARY="${IRT_BINARY:-$TARGET/release/genomics-training}"
VENV="${IRT_VENV:-$TARGET/irt-venv}"
WORK="${1:-$(mktemp -d)}"
REQUIREMENTS=tests/irt/requirements.txt

[ -x "$BINARY" ] || { echo "no binary at $BINARY: cargo build --release first" >&2; exit 1; }
mkdir -p "$WORK"

# girth in its own virtual environment, exactly as pinned.
bash tests/pinned-venv.sh "$REQUIREMENTS" "$VENV"

"$VENV/bin/python" tests/irt/check.py "$BINARY" "$WORK"
