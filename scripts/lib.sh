# shellcheck shell=bash
# Functions shared by the scripts; sourced (not run) from the top of the
# source tree, after the script's `cd`:
#   . scripts/lib.sh
# shellcheck disable=SC2317  # functions run from an EXIT trap

# Prints a message prefixed with the script's name ("test: ..."). Scripts
# that want another prefix or destination define their own after sourcing.
say() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*"; }

# Prints the build directory of CMake preset $1 (as in CMakePresets.json):
# build for default, build-<preset> for the others.
build_dir_for_preset() {
  case "$1" in
    default) echo build ;;
    *) echo "build-$1" ;;
  esac
}

# Whether Debian package $1 is installed.
installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# ---- Processes and directories started by a script --------------------------
# Every process started is recorded with `started <pid> [grace-secs]`, and
# every temporary directory with `started_dir <dir>`; stop_servers (to be run
# by an EXIT trap) stops exactly those processes, newest first (SIGTERM, then
# SIGKILL after their grace, default 5 s), and removes those directories.
STARTED_PIDS=()
STARTED_GRACE=()
STARTED_DIRS=()
started() {
  STARTED_PIDS+=("$1")
  STARTED_GRACE+=("${2:-5}")
}
started_dir() { STARTED_DIRS+=("$1"); }

# Whether process $1 is running (an exited, not yet reaped child is a zombie,
# which `kill -0` still finds).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

stop_servers() {
  local i j pid dir
  trap '' INT TERM  # a second Ctrl-C must not cut the clean-up short
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid="${STARTED_PIDS[i]}"
    kill -TERM "$pid" 2>/dev/null || continue
    for ((j = 0; j < STARTED_GRACE[i] * 10; j++)); do
      alive "$pid" || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  STARTED_GRACE=()
  for dir in "${STARTED_DIRS[@]}"; do
    rm -rf -- "$dir"
  done
  STARTED_DIRS=()
}

# Runs "$@" every ${WAIT_FOR_INTERVAL:-2} seconds until it succeeds (status
# 0) or $1 seconds pass (status 1).
wait_for() {
  local timeout="$1" deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep "${WAIT_FOR_INTERVAL:-2}"
  done
}

# ---- Ports -------------------------------------------------------------------
# Whether something listens on 127.0.0.1:$1. Bash's /dev/tcp: no netcat needed.
listening() {
  if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
    exec 3>&-
    return 0
  fi
  return 1
}

# Prints a free TCP port below the kernel's ephemeral range (so that no
# outgoing connection holds it), not one of "$@"; fails after 100 tries.
# shellcheck disable=SC2120  # the exclusions are optional
free_port() {
  local port attempt
  for ((attempt = 0; attempt < 100; attempt++)); do
    port=$((20000 + RANDOM % 12000))
    [[ " $* " == *" $port "* ]] && continue
    if ! listening "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# ---- ZooKeeper -----------------------------------------------------------------
# ZooKeeper's answer to the four-letter command "ruok" on 127.0.0.1:$1
# ("imok" when it serves), or nothing.
ruok() {
  { exec 3<>"/dev/tcp/127.0.0.1/$1" && printf ruok >&3 && timeout 2 cat <&3; } 2>/dev/null || true
}

# One ZooKeeper (Debian's, as the tests need a real one) for the tests that
# need *a* ZooKeeper, in the foreground of this script on 127.0.0.1 with a
# temporary data dir. The tests find it in STORM_TEST_ZOOKEEPER and each
# works under a root of its own; tests that stop or restart ZooKeeper start
# their own servers.
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
  # When a server holds the port, ZooKeeper exits and we try another.
  for ((attempt = 1; attempt <= 3; attempt++)); do
    port="$(free_port)" || continue
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

# ---- This machine's Debian mirror, for Docker builds ----------------------------
# Prints the Debian 12 entries (suites bookworm, bookworm-updates,
# bookworm-security, bookworm-backports; http or https) of the machine's apt
# sources as one-line `deb` entries, one a line: from $1/sources.list and
# $1/sources.list.d/*.list (one-line format) and $1/sources.list.d/*.sources
# (deb822), $1 defaulting to /etc/apt. A Signed-By file and Trusted are kept;
# other repositories (with keys the images do not have) are left out. Prints
# nothing when there is no such entry.
# shellcheck disable=SC2120  # the directory is optional
debian_apt_sources() {
  local dir="${1:-/etc/apt}" file
  local suites='^bookworm(-updates|-security|-backports)?$'
  local uris='^https?://'
  for file in "$dir/sources.list" "$dir"/sources.list.d/*.list; do
    [[ -r "$file" ]] || continue
    awk -v suites="$suites" -v uris="$uris" '
      { sub(/#.*/, "") }
      $1 != "deb" { next }
      {
        opts = ""; i = 2
        if ($2 ~ /^\[/) {
          while (i <= NF) { opts = opts (opts == "" ? "" : " ") $i; if ($i ~ /\]$/) { i++; break } i++ }
        }
        uri = $i; suite = $(i + 1); comps = ""
        for (j = i + 2; j <= NF; j++) comps = comps " " $j
        if (uri ~ uris && suite ~ suites && comps != "")
          print "deb " (opts == "" ? "" : opts " ") uri " " suite comps
      }' "$file"
  done
  for file in "$dir"/sources.list.d/*.sources; do
    [[ -r "$file" ]] || continue
    awk -v suites="$suites" -v uris="$uris" '
      function flush(   n, m, a, b, opts, U, S) {
        if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && comps != "") {
          opts = ""
          if (signed ~ /^\//) opts = "signed-by=" signed
          if (tolower(trusted) == "yes") opts = opts (opts == "" ? "" : " ") "trusted=yes"
          n = split(uris_, U, " "); m = split(suites_, S, " ")
          for (a = 1; a <= n; a++) for (b = 1; b <= m; b++)
            if (U[a] ~ uris && S[b] ~ suites)
              print "deb " (opts == "" ? "" : "[" opts "] ") U[a] " " S[b] " " comps
        }
        types = uris_ = suites_ = comps = signed = trusted = enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }  # a continuation line (an inline key)
      {
        key = tolower(substr($0, 1, index($0, ":") - 1)); value = substr($0, index($0, ":") + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", value); gsub(/[ \t]+/, " ", value)
        if (key == "types") types = value
        else if (key == "uris") uris_ = value
        else if (key == "suites") suites_ = value
        else if (key == "components") comps = value
        else if (key == "signed-by") signed = value
        else if (key == "trusted") trusted = value
        else if (key == "enabled") enabled = value
      }
      END { flush() }' "$file"
  done
}

# Prints the URI of the machine's first `bookworm` entry (for debootstrap),
# or nothing.
# shellcheck disable=SC2120  # the directory is optional
debian_mirror() {
  debian_apt_sources "$@" | awk '{ for (i = 2; i <= NF; i++) if ($i == "bookworm") { print $(i - 1); exit } }'
}

# Exports STORM_APT_SOURCES for docker/docker-compose.yml's image builds: the
# machine's Debian entries joined by ';' (the images' apt-get use them instead
# of the base image's own sources), or empty when the machine has none. A
# value already in the environment, even empty, is kept.
export_docker_apt_sources() {
  if [[ -z "${STORM_APT_SOURCES+set}" ]]; then
    STORM_APT_SOURCES="$(debian_apt_sources | paste -sd ';' -)"
  fi
  export STORM_APT_SOURCES
}
