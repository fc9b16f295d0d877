#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), one after another, each corpus
# seeded from the repository's question fixtures and content and from fuzz/seeds. Prints one
# line per target (runs, time, result) and exits non-zero if any target crashed, leaked past
# the memory limit or hung; the input that did it is kept in fuzz/artifacts/TARGET/.
#
#   fuzz/run.sh [SECONDS]
#
# Installs cargo-fuzz when missing. Only the stable toolchain is needed: RUSTC_BOOTSTRAP lets it
# take the nightly flags cargo-fuzz passes (sanitizer, coverage). FUZZ_TARGET_DIR moves the
# build (default fuzz/target), e.g. to a cache that outlives the clone.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac

export RUSTC_BOOTSTRAP=1
# The main crate's build directory is built with other flags; never share it.
unset CARGO_TARGET_DIR
target_dir=(--target-dir "${FUZZ_TARGET_DIR:-target}")

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# Seeds are copied in under names made from their paths, so files of one name in different
# folders do not overwrite each other.
seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  local file
  for file in "$@"; do
    cp "$file" "corpus/$target/seed$(printf '%s' "$file" | tr '/.' '__')"
  done
}
mapfile -t gift < <(find ../tests/fixtures/questions ../content/questions -name '*.gift' | sort)
mapfile -t xml < <(find ../tests/fixtures/questions -name '*.xml' | sort)
# seeds/TARGET holds inputs written for a target and each input that once failed it.
seed gift_reader "${gift[@]}"
seed moodle_xml_reader "${xml[@]}" seeds/moodle_xml_reader/*
seed people_csv seeds/people_csv/*

started=$(date +%s)
cargo fuzz build "${target_dir[@]}"
echo "fuzz build: $(($(date +%s) - started)) s"

# Inputs up to 64 KiB; one input may take at most 10 s and the process at most 2 GiB, so
# quadratic time or memory on a small input counts as a failure, like a panic.
options=(-max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
# A figure from libFuzzer's final statistics (-print_final_stats) in a target's log.
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }
failed=0
passed=0
for target in gift_reader moodle_xml_reader people_csv; do
  mkdir -p "artifacts/$target"
  log="artifacts/$target.log"
  status=0
  cargo fuzz run "${target_dir[@]}" "$target" "corpus/$target" -- "${options[@]}" \
    >"$log" 2>&1 || status=$?
  runs=$(final_stat "$log" number_of_executed_units)
  corpus=$(find "corpus/$target" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "$target: ${runs:-?} runs in ${seconds} s ($(final_stat "$log" average_exec_per_sec)/s)," \
      "peak RSS $(final_stat "$log" peak_rss_mb) MB, corpus $corpus inputs, no failure"
  else
    failed=$((failed + 1))
    echo "$target: FAILED (exit $status) after ${runs:-?} runs; log $PWD/$log" >&2
    grep -m 5 -E "panicked|ERROR: libFuzzer|SUMMARY|Test unit written" "$log" >&2 || true
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
