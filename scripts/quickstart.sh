#!/usr/bin/env bash
# From a fresh Debian 12 machine (as root) to a running topology: installs
# what is missing, builds only what it runs (the `storm` CLI, libstorm.so and
# the word count example), and runs word count in local mode for about 10
# seconds. Prints the top words with their counts and the
# emitted/acked/failed summary; the build output and the topology's logs go
# to files named on the way.
#
# It builds in build-quickstart/, apart from build/ (what scripts/build.sh and
# scripts/test.sh use), without optimization or debug info: that compiles
# these targets in about 7 CPU-minutes instead of 11 with the default preset's
# -O2 -g (the compiler's front end over the Thrift, Boost, spdlog and JSON
# headers is most of what is left), so about 3.5 minutes on 2 cores. The word
# count then runs several times slower than in an optimized build.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'quickstart: %s\n' "$*"; }

scripts/install-deps.sh

build_dir=build-quickstart
mkdir -p "$build_dir"
build_log="$build_dir/quickstart-build.log"
say "building the storm CLI, libstorm.so and word count in $build_dir/ (log: $build_log)"
if ! {
  if [[ ! -f "$build_dir/build.ninja" ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" -DSTORM_BUILD_TESTS=OFF \
      -DSTORM_BUILD_BENCHMARKS=OFF
  fi
  cmake --build "$build_dir" -j "$(nproc)" --target storm_cli storm word_count
} >"$build_log" 2>&1; then
  say "error: build failed; last lines of $build_log:" >&2
  tail -n 30 "$build_log" >&2
  exit 1
fi

run_log="$build_dir/quickstart-word-count.log"
say "running word count in local mode for 10 s (logs: $run_log)"
if ! "$build_dir/bin/storm" local "$build_dir/examples/libword_count.so" word-count \
    --local-ttl 10 2>"$run_log"; then
  say "error: storm local failed; last lines of $run_log:" >&2
  tail -n 30 "$run_log" >&2
  exit 1
fi
say "done. This build is unoptimized (it builds fast); scripts/build.sh builds an optimized"
say "one of everything in build/, and scripts/test.sh runs the tests."
