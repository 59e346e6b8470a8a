#!/usr/bin/env bash
# Installs what is missing, builds, starts the servers the tests need, runs
# every test through ctest, then (as root, as CI runs it) the Docker cluster
# test scripts/docker-test.sh. Exits with ctest's status, or when that is 0,
# with docker-test.sh's.
#
#   scripts/test.sh [preset]      preset: default (build/), ci (the default when
#                                 CI=true: warnings are errors), debug, asan, tsan, ...
#
# With CI=true nothing reads the terminal (stdin is /dev/null).
# shellcheck disable=SC2317  # functions run from the EXIT trap or by start_servers
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

if [[ -z "${1:-}" && "${CI:-}" == "true" ]]; then preset=ci; else preset="${1:-default}"; fi
build_dir="$(build_dir_for_preset "$preset")"

if [[ "${CI:-}" == "true" ]]; then
  exec </dev/null
fi

# ---- Servers the tests need -------------------------------------------------
# start_zookeeper, started, stop_servers: scripts/lib.sh.
start_servers() {
  start_zookeeper
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
# The Docker images and compose cluster (skips itself, on one line, when not
# root; under CI=true it must run). ZooKeeper is no longer needed.
stop_servers
docker_status=0
scripts/docker-test.sh || docker_status=$?
say "ctest exited with status $status, scripts/docker-test.sh with status $docker_status"
((status != 0)) || status=$docker_status
exit "$status"
