#!/usr/bin/env bash
# run-fuzzer.sh FUZZER SEED_DIR SECONDS FINDINGS_DIR
# Runs FUZZER for SECONDS, starting from the seeds, growing a throwaway copy of the corpus (the
# repo's seeds never change), with inputs of at most 4 KiB. Anything found is kept in
# FINDINGS_DIR, and the run fails naming it.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3 findings=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds/." "$work/"
mkdir -p "$findings"
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/$(basename "$fuzzer")-" "$work"
