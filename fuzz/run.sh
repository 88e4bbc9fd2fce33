#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after the other, with the repository's
# rule files, examples and regression cases as seeds. Needs `cargo install cargo-fuzz` and nightly.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(rules proposal fmt)
for t in "${targets[@]}"; do
    case $t in
        rules) seeds=(rules) ;;
        proposal) seeds=(examples rules/cases) ;;
        *) seeds=(rules examples) ;;
    esac
    mkdir -p "fuzz/corpus/$t"
    echo "== $t: ${secs}s, started $(date -u +%FT%TZ)"
    cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "${seeds[@]}" -- -max_total_time="$secs" -timeout=10 -max_len=8192
done
