#!/usr/bin/env bash
# Installs what is missing, builds, starts the servers the tests need, and
# runs every test through ctest. Exits with ctest's status.
#
#   scripts/test.sh [preset]      preset: default (build/), debug, asan, tsan, ...
#
# With CI=true nothing reads the terminal (stdin is /dev/null).
# shellcheck disable=SC2317  # functions run from the EXIT trap or by start_servers
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

preset="${1:-default}"
build_dir="$(build_dir_for_preset "$preset")"

if [[ "${CI:-}" == "true" ]]; then
  exec </dev/null
fi

say() { printf 'test: %s\n' "$*"; }

# ---- Servers the tests need -------------------------------------------------
# Every process start_servers starts is recorded with `started <pid>`, and every
# temporary directory with `started_dir <dir>`; stop_servers (run by the trap on
# any exit) stops exactly those processes and removes those directories.
STARTED_PIDS=()
STARTED_DIRS=()
started() { STARTED_PIDS+=("$1"); }
started_dir() { STARTED_DIRS+=("$1"); }

start_servers() {
  # START_SERVERS: nothing yet. ZooKeeper (DESIGN section 9) will be started
  # here in the foreground on 127.0.0.1 with a temporary data dir, and its
  # address exported to the tests.
  :
}

# Whether process $1 is running (an exited, not yet reaped child is a zombie,
# which `kill -0` still finds).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

stop_servers() {
  local pid dir i
  trap '' INT TERM  # a second Ctrl-C must not cut the clean-up short
  for pid in "${STARTED_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || continue
    for ((i = 0; i < 50; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  for dir in "${STARTED_DIRS[@]}"; do
    rm -rf -- "$dir"
  done
  STARTED_DIRS=()
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- Steps -------------------------------------------------------------------
say "installing missing packages"
scripts/install-deps.sh
say "building preset $preset"
scripts/build.sh "$preset"
say "starting servers"
start_servers
say "running ctest in $build_dir/"
status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300 --no-tests=error || status=$?
say "ctest exited with status $status"
exit "$status"
