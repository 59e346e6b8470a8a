#!/usr/bin/env bash
# From a fresh Debian 12 machine (as root) to a running topology: installs
# what is missing, builds what it runs (preset default, build/: the `storm`
# CLI, libstorm.so and the word count example; not the tests and benchmarks,
# which scripts/test.sh builds), and runs the word count example in local
# mode for about 10 seconds. Prints the top words with their counts and the
# emitted/acked/failed summary; the build output and the topology's logs go
# to files under build/ named on the way.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'quickstart: %s\n' "$*"; }

scripts/install-deps.sh

mkdir -p build
build_log=build/quickstart-build.log
say "building the storm CLI, libstorm.so and word count (preset default, log: $build_log)"
if ! scripts/build.sh default --target storm_cli storm word_count >"$build_log" 2>&1; then
  say "error: build failed; last lines of $build_log:" >&2
  tail -n 30 "$build_log" >&2
  exit 1
fi

run_log=build/quickstart-word-count.log
say "running word count in local mode for 10 s (logs: $run_log)"
if ! build/bin/storm local build/examples/libword_count.so word-count --duration 10 \
    2>"$run_log"; then
  say "error: storm local failed; last lines of $run_log:" >&2
  tail -n 30 "$run_log" >&2
  exit 1
fi
