#!/usr/bin/env bash
# Builds storm-cpp (preset release, or $STORM_BENCH_PRESET, e.g. default) and
# runs the benchmarks: storm-perf (Storm's perf topologies on one local
# worker), then the same topologies on a real cluster (ZooKeeper,
# storm-nimbus, one storm-supervisor with two slots, two storm-worker
# processes; measured by storm-perf-cluster from the workers' heartbeats).
# Prints only the `bench <name>: <value> <unit>` lines on stdout; everything
# else (build output, logs) goes to a log file named on stderr.
#
#   scripts/bench.sh [--duration SECS] [--warmup SECS] [other storm-perf options]
#   STORM_BENCH_LOCAL=0 scripts/bench.sh     # only the cluster benchmarks
#   STORM_BENCH_CLUSTER=0 scripts/bench.sh   # only the local ones
#   STORM_BENCH_PRESET=default scripts/bench.sh
#   STORM_BENCH_EXTRA="-c topology.batch.flush.interval.millis=1" scripts/bench.sh
#                                            # more -c options for the cluster runs
# shellcheck disable=SC2317  # stop_servers runs from the EXIT trap
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

# Only what the benchmarks run: storm-perf, the perf topology libraries, and
# the cluster's daemons and CLI.
if ! scripts/build.sh "$preset" --target storm_perf storm_perf_cluster storm_stall_probe \
  storm_cli storm_nimbus_daemon storm_supervisor_daemon storm_worker_daemon >>"$log" 2>&1; then
  echo "bench: error: build failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

perf="$build_dir/bin/storm-perf"
if [[ ! -x "$perf" ]]; then
  echo "bench: error: $perf was not built (is STORM_BUILD_BENCHMARKS off in preset $preset?)" >&2
  exit 1
fi

# What the machine does to threads handing work to each other right now (on
# a VM the figures change with where the host runs the vCPUs): on stderr and
# in the log, next to the figures it explains.
"$build_dir/bin/storm-stall-probe" --seconds 2 2>&1 | tee -a "$log" | sed 's/^/bench: machine: /' >&2

duration=10
warmup=3
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --duration) duration="${args[i + 1]:-10}" ;;
    --warmup) warmup="${args[i + 1]:-3}" ;;
  esac
done

if [[ "${STORM_BENCH_LOCAL:-1}" != 0 ]]; then
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
fi
[[ "${STORM_BENCH_CLUSTER:-1}" != 0 ]] || exit 0

# ---- On a real cluster -------------------------------------------------------
# ZooKeeper (scripts/lib.sh), storm-nimbus and one storm-supervisor with two
# slots, all on 127.0.0.1 under a temporary dir; stopped and removed on exit.
say() { printf 'bench: %s\n' "$*" >>"$log"; }
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin="$build_dir/bin"
examples="$build_dir/examples"

# listening, free_port, start_zookeeper, started, stop_servers: scripts/lib.sh.
start_zookeeper >>"$log" 2>&1
zookeeper="$STORM_TEST_ZOOKEEPER"
dir="$(mktemp -d "${TMPDIR:-/tmp}/storm-bench-cluster-XXXXXX")"
started_dir "$dir"
nimbus_port="$(free_port "${zookeeper##*:}")"
slot1="$(free_port "${zookeeper##*:}" "$nimbus_port")"
slot2="$(free_port "${zookeeper##*:}" "$nimbus_port" "$slot1")"
mkdir -p "$dir/conf" "$dir/supervisor"
printf '%s\n' "storm.zookeeper.servers: [\"${zookeeper%:*}\"]" \
  "storm.zookeeper.port: ${zookeeper##*:}" "storm.zookeeper.root: \"/storm-bench\"" \
  "nimbus.seeds: [\"127.0.0.1\"]" "nimbus.thrift.port: $nimbus_port" \
  "nimbus.monitor.freq.secs: 1" >"$dir/common.yaml"
{
  cat "$dir/common.yaml"
  echo "storm.local.dir: \"$dir/nimbus-local\""
} >"$dir/conf/storm.yaml"
{
  cat "$dir/common.yaml"
  printf '%s\n' "storm.local.dir: \"$dir/supervisor-local\"" \
    "supervisor.slots.ports: [$slot1, $slot2]" "supervisor.monitor.frequency.secs: 1" \
    "supervisor.heartbeat.frequency.secs: 1"
} >"$dir/supervisor/storm.yaml"
export STORM_CONF_DIR="$dir/conf" HOME="$dir"

"$bin/storm-nimbus" --config "$dir/conf/storm.yaml" </dev/null >>"$dir/nimbus.log" 2>&1 &
started "$!"
for ((i = 0; i < 300; i++)); do
  listening "$nimbus_port" && break
  sleep 0.1
done
if ! listening "$nimbus_port"; then
  echo "bench: error: storm-nimbus did not listen on $nimbus_port; last lines of its log:" >&2
  tail -n 20 "$dir/nimbus.log" >&2
  exit 1
fi
"$bin/storm-supervisor" --config "$dir/supervisor/storm.yaml" </dev/null \
  >>"$dir/supervisor.log" 2>&1 &
started "$!"
say "cluster: ZooKeeper $zookeeper, Nimbus on $nimbus_port, a supervisor with slots" \
  "$slot1 $slot2, in $dir"

# run_cluster NAME LIBRARY [storm-perf-cluster options] -- [storm jar options]
# Submits LIBRARY as topology NAME on two workers, measures it, kills it and
# waits for its workers to go.
run_cluster() {
  local name="$1" library="$2" perf_opts=() jar_opts=() status i
  shift 2
  while (($# > 0)) && [[ "$1" != -- ]]; do
    perf_opts+=("$1")
    shift
  done
  (($# > 0)) && shift
  jar_opts=("$@")
  say "storm jar $library $name -c topology.workers=2 ${jar_opts[*]}"
  if ! "$bin/storm" jar "$examples/$library" "$name" -c topology.workers=2 "${jar_opts[@]}" \
    >>"$log" 2>&1; then
    echo "bench: error: storm jar $library failed; see $log" >&2
    return 1
  fi
  set +e +o pipefail
  # shellcheck disable=SC2094  # both only append to the log
  "$bin/storm-perf-cluster" --config "$dir/conf/storm.yaml" --topology "$name" --name "$name" \
    --duration "$duration" --warmup "$warmup" "${perf_opts[@]}" 2>>"$log" | tee -a "$log" |
    grep --line-buffered -E '^bench [^:]+: '
  status="${PIPESTATUS[0]}"
  set -e -o pipefail
  "$bin/storm" kill "$name" -w 0 >>"$log" 2>&1 || true
  for ((i = 0; i < 300; i++)); do
    "$bin/storm" list 2>/dev/null | grep -q -- "$name" || break
    sleep 0.2
  done
  # Until the supervisor has stopped its workers: the next topology gets
  # both slots.
  for ((i = 0; i < 300; i++)); do
    listening "$slot1" || listening "$slot2" || break
    sleep 0.1
  done
  if ((status != 0)); then
    echo "bench: error: storm-perf-cluster exited with status $status on $name; see $log" >&2
    return 1
  fi
}

# STORM_BENCH_EXTRA: -c options given to every cluster topology (split on spaces),
# after the script's own, so they override them.
# The acked runs' topology.max.spout.pending: as few trees in flight as keep
# the saturated rate (rate x round trip; twice storm-perf's 1000, since the
# round trip crosses TCP), so that a worker thread that loses its CPU for a
# few ms holds back at most that many.
pending=2000
read -r -a extra <<<"${STORM_BENCH_EXTRA:-}"
run_cluster cluster_const_spout_null_bolt libconst_spout_null_bolt.so -- \
  -c topology.acker.executors=0 "${extra[@]}"
acked="$(run_cluster cluster_const_spout_id_bolt_null_bolt_acked \
  libconst_spout_id_bolt_null_bolt.so --acked -- -c topology.acker.executors=1 \
  -c topology.max.spout.pending=$pending "${extra[@]}")"
echo "$acked"
rate="$(sed -n 's/^bench cluster_const_spout_id_bolt_null_bolt_acked: \([0-9]*\) .*/\1/p' \
  <<<"$acked")"
if [[ -n "$rate" ]] && ((rate > 1)); then
  # The same throttled to half that rate: the latency when not saturated.
  run_cluster cluster_const_spout_id_bolt_null_bolt_half_rate \
    libconst_spout_id_bolt_null_bolt.so --acked -- -c topology.acker.executors=1 \
    -c topology.max.spout.pending=$pending -c "perf.spout.rate=$((rate / 2))" "${extra[@]}"
fi
