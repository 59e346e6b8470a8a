#!/usr/bin/env bash
# Builds storm-cpp (preset release, or $STORM_BENCH_PRESET, e.g. default) and
# runs the benchmarks (storm-perf: Storm's perf topologies on one local
# worker). Prints only the `bench <name>: <value> <unit>` lines on stdout;
# everything else (build output, logs) goes to a log file named on stderr.
#
#   scripts/bench.sh [--duration SECS] [other storm-perf options]
#   STORM_BENCH_PRESET=default scripts/bench.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

preset="${STORM_BENCH_PRESET:-release}"
build_dir="$(build_dir_for_preset "$preset")"

mkdir -p "$build_dir"
log="$build_dir/bench.log"
: >"$log"
echo "bench: preset $preset; build output and logs in $log" >&2

# Only what the benchmarks run: storm-perf and the perf topology libraries.
if ! scripts/build.sh "$preset" --target storm_perf >>"$log" 2>&1; then
  echo "bench: error: build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

perf="$build_dir/bin/storm-perf"
if [[ ! -x "$perf" ]]; then
  echo "bench: error: $perf was not built (is STORM_BUILD_BENCHMARKS off in preset $preset?)" >&2
  exit 1
fi

echo "bench: running $perf $*" >>"$log"
set +e +o pipefail
# shellcheck disable=SC2094  # both only append to the log
"$perf" "$@" 2>>"$log" | tee -a "$log" | grep --line-buffered -E '^bench [^:]+: '
statuses=("${PIPESTATUS[@]}")
set -e -o pipefail
if ((statuses[0] != 0)); then
  echo "bench: error: storm-perf exited with status ${statuses[0]}; see $log" >&2
  exit 1
fi
if ((statuses[2] != 0)); then
  echo "bench: error: storm-perf printed no bench lines; see $log" >&2
  exit 1
fi
