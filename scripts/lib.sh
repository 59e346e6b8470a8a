# shellcheck shell=bash
# Functions shared by the scripts; sourced (not run) from the top of the
# source tree, after the script's `cd`:
#   . scripts/lib.sh

# Prints the build directory of CMake preset $1 (as in CMakePresets.json):
# build for default, build-<preset> for the others.
build_dir_for_preset() {
  case "$1" in
    default) echo build ;;
    *) echo "build-$1" ;;
  esac
}
# shellcheck disable=SC2317  # functions run from an EXIT trap

# ---- Servers started by a script (test.sh, bench.sh) -------------------------
# The caller defines `say` (prints a message). Every process started is
# recorded with `started <pid>`, and every temporary directory with
# `started_dir <dir>`; stop_servers (to be run by an EXIT trap) stops exactly
# those processes and removes those directories.
STARTED_PIDS=()
STARTED_DIRS=()
started() { STARTED_PIDS+=("$1"); }
started_dir() { STARTED_DIRS+=("$1"); }


# ZooKeeper's answer to the four-letter command "ruok" on 127.0.0.1:$1
# ("imok" when it serves), or nothing. Bash's /dev/tcp: no netcat needed.
ruok() {
  { exec 3<>"/dev/tcp/127.0.0.1/$1" && printf ruok >&3 && timeout 2 cat <&3; } 2>/dev/null || true
}

# One ZooKeeper (DESIGN section 9) for the tests that need *a* ZooKeeper, in
# the foreground of this script on 127.0.0.1 with a temporary data dir. The
# tests find it in STORM_TEST_ZOOKEEPER and each works under a root of its
# own; tests that stop or restart ZooKeeper start their own servers.
ZK_JAVA=/usr/bin/java
ZK_JAR=/usr/share/java/zookeeper.jar
start_zookeeper() {
  local dir port pid attempt i why="did not start"
  if [[ ! -x "$ZK_JAVA" || ! -r "$ZK_JAR" ]]; then
    say "error: cannot start ZooKeeper: $ZK_JAVA or $ZK_JAR is missing" \
      "(packages default-jre-headless and zookeeper; scripts/install-deps.sh installs them)" >&2
    exit 1
  fi
  dir="$(mktemp -d "${TMPDIR:-/tmp}/storm-test-zookeeper-XXXXXX")"
  started_dir "$dir"
  mkdir "$dir/data"
  # A port below the kernel's ephemeral range, so that no outgoing connection
  # holds it; when a server holds it, ZooKeeper exits and we try another.
  for ((attempt = 1; attempt <= 3; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    [[ -z "$(ruok "$port")" ]] || continue
    # tickTime 500 ms allows sessions from 1 s (tests provoke expiries) up to
    # 60 s (Storm's default is 20 s).
    printf '%s\n' "tickTime=500" "minSessionTimeout=1000" "maxSessionTimeout=60000" \
      "dataDir=$dir/data" "clientPort=$port" "clientPortAddress=127.0.0.1" \
      "admin.enableServer=false" "4lw.commands.whitelist=ruok,srvr,stat,mntr" \
      "preAllocSize=1024" "forceSync=no" >"$dir/zoo.cfg"
    # The jar's manifest names its dependencies; slf4j-simple makes it log.
    "$ZK_JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -cp "$ZK_JAR:/usr/share/java/slf4j-simple.jar" \
      org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" \
      </dev/null >>"$dir/zookeeper.log" 2>&1 &
    pid=$!
    started "$pid"
    for ((i = 0; i < 300; i++)); do
      if [[ "$(ruok "$port")" == imok ]]; then
        export STORM_TEST_ZOOKEEPER="127.0.0.1:$port"
        say "ZooKeeper runs on $STORM_TEST_ZOOKEEPER (pid $pid, log $dir/zookeeper.log)"
        return 0
      fi
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      why="is not answering after 30 s"
      break  # another port will not help
    fi
    why="exited (port $port taken?)"
    say "ZooKeeper $why; trying another port" >&2
  done
  say "error: ZooKeeper on 127.0.0.1:$port $why; last lines of $dir/zookeeper.log:" >&2
  tail -n 20 "$dir/zookeeper.log" >&2
  exit 1
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
