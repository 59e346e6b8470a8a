#!/usr/bin/env bash
# Installs the Debian 12 packages storm-cpp needs to build, test and run,
# skipping what is already installed. Idempotent: with everything present it
# changes nothing and runs no apt-get at all.
#
#   scripts/install-deps.sh              (as root; as another user it only checks)
#   scripts/install-deps.sh PACKAGE...   the same for these packages instead
#                                        (scripts/docker-test.sh: docker.io, ...)
#
# Prints one line per step. apt-get's own output goes to a log file, named
# on failure. Exit status: 0 when everything is installed afterwards, 1 when
# something is missing and this user cannot install it, or apt-get failed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh  # say, installed

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # Thrift (IDL compiled at build time) and Boost (Asio, Beast)
  thrift-compiler libthrift-dev libboost-dev
  # ZooKeeper: the server the tests start (needs a Java runtime) and the C client
  zookeeper default-jre-headless libzookeeper-mt-dev
  # Kafka client, logging, config, CLI, JSON
  librdkafka-dev libspdlog-dev libfmt-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # the tests' real Prometheus server and promtool, and the headless browser
  # (with its WebDriver) that loads the UI's pages
  prometheus chromium chromium-driver
)

if (($# > 0)); then
  PACKAGES=("$@")
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  say "all ${#PACKAGES[@]} packages already installed, nothing to do"
  exit 0
fi

say "missing ${#missing[@]} of ${#PACKAGES[@]} packages: ${missing[*]}"

if [[ "$(id -u)" -ne 0 ]]; then
  say "error: not root, cannot install them. Run as root: sudo scripts/install-deps.sh $*" >&2
  say "  (or: apt-get update && apt-get install -y ${missing[*]})" >&2
  exit 1
fi

log="${TMPDIR:-/tmp}/storm-install-deps.log"
: >"$log"
fail() {
  say "error: $1 failed; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

export DEBIAN_FRONTEND=noninteractive

say "apt-get update (log: $log)"
apt-get update -q >>"$log" 2>&1 || fail "apt-get update"

# The OpenJDK packages' post-install fails in images that strip
# /usr/share/man (debian:*-slim) without this directory.
mkdir -p /usr/share/man/man1

say "apt-get install ${missing[*]}"
apt-get install -y -q "${missing[@]}" >>"$log" 2>&1 || fail "apt-get install"

still=()
for pkg in "${missing[@]}"; do
  installed "$pkg" || still+=("$pkg")
done
if ((${#still[@]} > 0)); then
  say "error: still not installed after apt-get install: ${still[*]} (see $log)" >&2
  exit 1
fi
say "installed ${#missing[@]} packages"
