#!/usr/bin/env bash
# A Python virtual environment holding exactly the pinned, hash-checked packages of a
# requirements file (pip install --require-hashes); made afresh when the pins change, reused
# otherwise. Used by tests/contract/run.sh (schemathesis) and tests/irt/check.sh (girth).
#
# Usage: tests/pinned-venv.sh REQUIREMENTS VENV
set -euo pipefail
REQUIREMENTS="$1"
VENV="$2"
if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt" 2>/dev/null; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements.txt"
fi
