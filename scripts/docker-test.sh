#!/usr/bin/env bash
# Proves the Docker images and docker/docker-compose.yml with a real Docker
# engine: installs Docker and docker-compose from Debian if missing
# (scripts/install-deps.sh), starts dockerd if none runs (and stops only what
# it started), builds a base image with debootstrap when debian:bookworm-slim
# cannot be pulled, builds the images as a user would (docker-compose build,
# from the machine's Debian mirror as scripts/docker-compose.sh does), brings
# up ZooKeeper, two Nimbuses (nimbus, nimbus2), two supervisors and the UI,
# submits word count with the CLI on four workers and checks:
#   - the topology is listed as ACTIVE (inside the network and from the host
#     through the published Nimbus port);
#   - the UI, published on the host, shows the topology and its counts;
#   - worker processes run in both supervisor containers;
#   - the counts grow (trees acked at the spouts, from the workers' heartbeats,
#     read with storm-perf-cluster);
#   - killing one supervisor container moves its workers to the other within
#     the task timeout, and the counts grow again;
#   - restarting the Nimbus container keeps the topology (same id, same
#     worker processes), and so does killing the Nimbus process: the restart
#     policy restarts its container;
#   - `storm kill` stops every worker, and the word counts were written;
#   - failover (docs/ha.md): with a second topology running, stopping the
#     leading Nimbus's container makes the other one lead (the UI's
#     /api/v1/nimbus/summary says which; the seconds it took are printed),
#     the topology's workers go on untouched, the new leader kills it and
#     accepts a new submit; started again, the old leader comes back as a
#     follower and copies the code it missed;
#   - `down -v` leaves no container, network or volume of the project.
# Prints how long each step took. On failure it prints the services' last
# log lines; it always tears the cluster down.
#
#   scripts/docker-test.sh
#
# Needs root (Docker). As another user it prints one line and exits 0, except
# under CI=true, where it must run and fails. STORM_DOCKER_TEST=0 skips it
# (not under CI=true). Environment:
#   STORM_BASE_IMAGE      base image (default: debian:bookworm-slim if present or
#                         pullable, else storm-cpp-base:bookworm built here)
#   STORM_DEBIAN_MIRROR   mirror for debootstrap (default: the machine's, from its
#                         apt sources; with none, debootstrap's own default)
#   STORM_APT_SOURCES     apt sources of the image builds (default: the machine's
#                         Debian entries; see scripts/docker-compose.sh)
#   STORM_BUILD_JOBS      compile jobs in the image build (default: nproc)
# shellcheck disable=SC2317  # functions run from the EXIT trap
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

if [[ "${CI:-}" != "true" && "${STORM_DOCKER_TEST:-}" == "0" ]]; then
  say "skipped (STORM_DOCKER_TEST=0)"
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    say "error: CI=true but not root: Docker needs root here" >&2
    exit 1
  fi
  say "skipped: not root (the Docker engine needs root)"
  exit 0
fi
if [[ "${CI:-}" == "true" ]]; then
  exec </dev/null
fi

COMPOSE_FILE_PATH=docker/docker-compose.yml
PROJECT="stormdockertest$$"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/storm-docker-test-XXXXXX")"
LOG="$WORK/docker-test.log"
DOCKERD_STARTED=0
CLUSTER_UP=0
FAILED=1
T0=$SECONDS

# Compose reads these (see the variables at the top of docker-compose.yml).
export COMPOSE_PROJECT_NAME="$PROJECT"
export STORM_IMAGE="storm-cpp:test"
export STORM_ZOOKEEPER_IMAGE="storm-cpp-zookeeper:test"
export STORM_YAML="$WORK/storm.yaml"
export STORM_BUILD_JOBS="${STORM_BUILD_JOBS:-$(nproc)}"
export_docker_apt_sources
# The classic builder through docker-py: `build: network: host` works with
# dockerd's --iptables=false, and no BuildKit frontend image is needed.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0

# Small timeouts, so that a lost supervisor's work moves within a minute.
TASK_TIMEOUT=10
cat >"$STORM_YAML" <<'YAML'
storm.zookeeper.servers: ["zookeeper"]
storm.zookeeper.port: 2181
storm.zookeeper.session.timeout: 8000
storm.local.dir: "/var/lib/storm"
nimbus.seeds: ["nimbus", "nimbus2"]
nimbus.thrift.port: 6627
nimbus.task.timeout.secs: 10
nimbus.monitor.freq.secs: 2
supervisor.worker.timeout.secs: 10
supervisor.slots.ports: [6700, 6701, 6702, 6703]
YAML
chmod 644 "$STORM_YAML"

compose() { docker-compose -f "$COMPOSE_FILE_PATH" -p "$PROJECT" "$@"; }
# The storm CLI in a one-off container of the cli service.
storm_cli() { compose run --rm --no-deps -T cli "$@"; }

# ---- Steps and their timings -------------------------------------------------
TIMINGS=()
CURRENT_STEP=""
step() {
  CURRENT_STEP="$1"
  STEP_T0=$SECONDS
  say "step: $1"
}
done_step() {
  local secs=$((SECONDS - STEP_T0))
  TIMINGS+=("$(printf '%-52s %4d s' "$CURRENT_STEP" "$secs")")
  say "  ok ($secs s)"
}
fail() {
  say "FAILED in step '$CURRENT_STEP': $*" >&2
  exit 1
}

# Runs a command with its output in the log; on failure shows the log's tail.
logged() {
  if ! "$@" >>"$LOG" 2>&1; then
    say "command failed: $*; last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
    return 1
  fi
}

# ---- Clean-up ----------------------------------------------------------------
cleanup() {
  local status=$?
  trap '' INT TERM
  if ((CLUSTER_UP)); then
    if ((FAILED)); then
      say "logs of the services (last 60 lines each):"
      compose logs --no-color --tail=60 2>&1 | sed 's/^/  | /' || true
      for c in $(compose ps -q supervisor 2>/dev/null); do
        say "worker logs in supervisor container ${c:0:12}:"
        docker exec "$c" sh -c 'tail -n 20 /var/lib/storm/logs/workers-artifacts/*/*/worker.log' 2>&1 \
          | sed 's/^/  | /' || true
      done
    fi
    say "tearing down the project $PROJECT"
    compose --profile cli down -v --remove-orphans --timeout 10 >>"$LOG" 2>&1 || true
  fi
  # The dockerd this script started, if any (scripts/lib.sh).
  ((DOCKERD_STARTED)) && say "stopping the dockerd this script started"
  stop_servers
  if ((${#TIMINGS[@]} > 0)); then
    say "timings:"
    printf '  %s\n' "${TIMINGS[@]}"
  fi
  if ((status == 0 && !FAILED)); then
    say "PASSED in $((SECONDS - T0)) s"
    rm -rf -- "$WORK"
  else
    say "FAILED (status $status) after $((SECONDS - T0)) s; files kept in $WORK" >&2
    ((status != 0)) || status=1
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. Docker and docker-compose ----------------------------------------------
step "install docker.io, docker-compose, debootstrap"
scripts/install-deps.sh docker.io docker-compose debootstrap | sed 's/^/  /' ||
  fail "installing docker.io, docker-compose, debootstrap"
done_step

step "dockerd"
if docker info >/dev/null 2>&1; then
  say "  a Docker engine already runs; using it"
else
  # Without iptables (as on the machines this was developed on) dockerd
  # cannot set up NAT: builds use the host's network (build: network: host)
  # and containers talk on a bridge.
  dockerd --iptables=false --ip-masq=false -H unix:///var/run/docker.sock \
    --pidfile /var/run/docker.pid >"$WORK/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  started "$dockerd_pid" 30
  DOCKERD_STARTED=1
  say "  started dockerd (pid $dockerd_pid, log $WORK/dockerd.log)"
  docker_ready() {
    alive "$dockerd_pid" || { tail -n 20 "$WORK/dockerd.log" >&2; fail "dockerd exited"; }
    docker info >/dev/null 2>&1
  }
  WAIT_FOR_INTERVAL=1 wait_for 60 docker_ready || fail "dockerd does not answer after 60 s"
fi
docker info 2>/dev/null | grep -E '^ (Server Version|Storage Driver):' | sed 's/^ */  /' || true
done_step

# ---- 2. Images -------------------------------------------------------------------
step "base image"
if [[ -n "${STORM_BASE_IMAGE:-}" ]]; then
  docker image inspect "$STORM_BASE_IMAGE" >/dev/null 2>&1 ||
    logged timeout 120 docker pull "$STORM_BASE_IMAGE" || fail "cannot find or pull $STORM_BASE_IMAGE"
elif docker image inspect debian:bookworm-slim >/dev/null 2>&1 ||
  timeout 120 docker pull debian:bookworm-slim >>"$LOG" 2>&1; then
  STORM_BASE_IMAGE=debian:bookworm-slim
else
  STORM_BASE_IMAGE=storm-cpp-base:bookworm
  say "  debian:bookworm-slim cannot be pulled; using $STORM_BASE_IMAGE"
  if docker image inspect "$STORM_BASE_IMAGE" >/dev/null 2>&1; then
    say "  $STORM_BASE_IMAGE exists (cached)"
  else
    rootfs="$WORK/rootfs"
    # The machine's own Debian mirror (scripts/lib.sh); with none found,
    # debootstrap's default.
    mirror="${STORM_DEBIAN_MIRROR:-$(debian_mirror)}"
    say "  debootstrap --variant=minbase bookworm from ${mirror:-the default mirror of debootstrap}"
    logged debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} || fail "debootstrap"
    # Trimmed like debian:*-slim (apt lists come back with apt-get update).
    rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
      "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
      "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
    tar -C "$rootfs" -c . | docker import - "$STORM_BASE_IMAGE" >>"$LOG" || fail "docker import"
    rm -rf "$rootfs"
  fi
fi
export STORM_BASE_IMAGE
say "  base image: $STORM_BASE_IMAGE"
done_step

step "build images (docker-compose build, $STORM_BUILD_JOBS jobs)"
say "  build log: $WORK/build.log"
if [[ -n "$STORM_APT_SOURCES" ]]; then
  entries="$(tr ';' '\n' <<<"$STORM_APT_SOURCES" | wc -l)"
  say "  apt sources of the builds: those of this machine ($entries entries)"
else
  say "  apt sources of the builds: the base image's own"
fi
if ! nice -n 10 docker-compose -f "$COMPOSE_FILE_PATH" -p "$PROJECT" build zookeeper nimbus \
  >"$WORK/build.log" 2>&1; then
  tail -n 40 "$WORK/build.log" >&2
  fail "docker-compose build"
fi
docker image ls --format '  {{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'storm-cpp(-zookeeper)?:test' || true
done_step

# ---- 3. The cluster ----------------------------------------------------------------
STORM_NIMBUS_PORT="$(free_port)" || fail "no free port"
STORM_UI_PORT="$(free_port)" || fail "no free port"
export STORM_NIMBUS_PORT STORM_UI_PORT

health() { docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1" 2>/dev/null; }
all_healthy() {
  local c n=0
  for c in $(compose ps -q "$@"); do
    [[ "$(health "$c")" == healthy ]] || return 1
    n=$((n + 1))
  done
  ((n > 0))
}
supervisors_healthy() {
  local ids
  ids="$(compose ps -q supervisor)"
  [[ "$(wc -w <<<"$ids")" -eq "$1" ]] && all_healthy supervisor
}

step "up: zookeeper, 2 nimbuses, 2 supervisors"
CLUSTER_UP=1
logged compose up -d --no-build --scale supervisor=2 || fail "docker-compose up"
wait_for 120 all_healthy zookeeper || fail "zookeeper is not healthy after 120 s"
wait_for 120 all_healthy nimbus nimbus2 || fail "nimbus and nimbus2 are not healthy after 120 s"
wait_for 60 supervisors_healthy 2 || fail "2 supervisors are not healthy after 60 s"
mapfile -t SUPERVISORS < <(compose ps -q supervisor)
for c in "${SUPERVISORS[@]}"; do
  say "  supervisor container ${c:0:12}: host name $(docker exec "$c" hostname)"
done
done_step

# Worker processes (storm-worker) per supervisor container.
workers_in() { docker exec "$1" pgrep -c -x storm-worker 2>/dev/null || true; }
worker_pids_in() { docker exec "$1" pgrep -x storm-worker 2>/dev/null | sort | tr '\n' ' ' || true; }
workers_each() {  # every container in SUPERVISORS has a worker, $1 in all
  local c n total=0
  for c in "${SUPERVISORS[@]}"; do
    n="$(workers_in "$c")"
    ((n > 0)) || return 1
    total=$((total + n))
  done
  ((total == $1))
}
# The row of topology $1 (default wc) in `storm list` ("wc ACTIVE tasks executors workers ...").
list_row() { storm_cli storm list 2>>"$LOG" | awk -v name="${1:-wc}" '$1 == name'; }
# Trees acked per second at the spouts of topology $1 (default wc) between two
# heartbeats, from ZooKeeper.
acked_rate() {
  storm_cli timeout 60 storm-perf-cluster --config /etc/storm/storm.yaml --topology "${1:-wc}" \
    --name word_count_acked --acked --warmup 1 --duration 4 2>>"$LOG" |
    awk '$1 == "bench" && $2 == "word_count_acked:" { print int($3) }'
}
counts_grow() {
  local rate
  rate="$(acked_rate "$@")"
  say "  word count${1:+ ($1)}: ${rate:-?} sentences acked/s"
  [[ -n "$rate" ]] && ((rate > 0))
}

step "storm jar word count, 4 workers (cli service)"
storm_cli storm jar /opt/storm/examples/libword_count.so wc -c topology.workers=4 \
  -c wordcount.output.file=/var/lib/storm/wc-counts.txt | tee -a "$LOG" | sed 's/^/  /' ||
  fail "storm jar"
done_step

step "listed ACTIVE, in the network and from the host"
row="$(list_row)"
say "  $row"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE ]] || fail "wc is not listed as ACTIVE: '$row'"
TOPOLOGY_ID="$(awk '{print $6}' <<<"$row")"  # Storm's columns: Topology_Id is the 6th
# From the host's network namespace, through the published port.
host_row="$(docker run --rm --network host "$STORM_IMAGE" storm list \
  -c 'nimbus.seeds=["127.0.0.1"]' -c "nimbus.thrift.port=$STORM_NIMBUS_PORT" 2>>"$LOG" |
  awk '$1 == "wc"')"
[[ "$(awk '{print $2}' <<<"$host_row")" == ACTIVE ]] ||
  fail "storm list from the host on 127.0.0.1:$STORM_NIMBUS_PORT: '$host_row'"
say "  from the host (127.0.0.1:$STORM_NIMBUS_PORT): ACTIVE"
done_step

step "workers run in both supervisor containers"
wait_for 90 workers_each 4 || fail "not 4 workers over both supervisors: $(for c in "${SUPERVISORS[@]}"; do printf '%s ' "$(workers_in "$c")"; done)"
for c in "${SUPERVISORS[@]}"; do
  say "  ${c:0:12}: $(workers_in "$c") storm-worker processes"
done
done_step

step "counts grow"
wait_for 60 counts_grow || fail "no sentence acked"
done_step

# The UI's REST API from the host, through the published ui port: the
# topology's name and a non-zero all-time emitted count.
ui_shows_counts() {
  python3 - "$STORM_UI_PORT" "$TOPOLOGY_ID" >>"$LOG" 2>&1 <<'PY'
import json, sys, urllib.request
port, topology = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/topology/{topology}", timeout=10) as r:
    page = json.load(r)
emitted = [w["emitted"] for w in page["topologyStats"] if w["window"] == ":all-time"]
print("ui:", page["name"], page["status"], "emitted", emitted)
sys.exit(0 if page["name"] == "wc" and emitted and int(emitted[0]) > 0 else 1)
PY
}

step "the UI answers from the host"
wait_for 60 ui_shows_counts || fail "the UI on 127.0.0.1:$STORM_UI_PORT does not show wc's counts"
say "  $(grep '^ui:' "$LOG" | tail -n 1) (127.0.0.1:$STORM_UI_PORT)"
done_step

step "kill a supervisor container: its work moves"
VICTIM="${SUPERVISORS[0]}"
SURVIVOR="${SUPERVISORS[1]}"
logged docker kill "$VICTIM" || fail "docker kill"
kill_t0=$SECONDS
only_survivor() { [[ "$(workers_in "$SURVIVOR")" -eq 4 ]]; }
wait_for $((TASK_TIMEOUT * 6)) only_survivor ||
  fail "the survivor runs $(workers_in "$SURVIVOR") workers, not 4, $((TASK_TIMEOUT * 6)) s after the kill"
say "  4 workers in ${SURVIVOR:0:12} $((SECONDS - kill_t0)) s after the kill (task timeout $TASK_TIMEOUT s)"
[[ "$(docker inspect -f '{{.State.Running}}' "$VICTIM")" == false ]] ||
  say "  note: the killed container was restarted by its restart policy"
SUPERVISORS=("$SURVIVOR")
wait_for 60 counts_grow || fail "no sentence acked after the move"
done_step

step "restart the nimbus container: the topology stays"
pids_before="$(worker_pids_in "$SURVIVOR")"
logged compose restart -t 10 nimbus || fail "docker-compose restart nimbus"
wait_for 120 all_healthy nimbus || fail "nimbus is not healthy after its restart"
row="$(list_row)"
say "  $row"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE && "$(awk '{print $6}' <<<"$row")" == "$TOPOLOGY_ID" ]] ||
  fail "after the restart, wc is not ACTIVE as $TOPOLOGY_ID: '$row'"
sleep "$TASK_TIMEOUT"  # long enough for a wrong reassignment to show
pids_after="$(worker_pids_in "$SURVIVOR")"
[[ "$pids_after" == "$pids_before" ]] ||
  fail "the workers changed across the Nimbus restart: '$pids_before' -> '$pids_after'"
wait_for 60 counts_grow || fail "no sentence acked after the Nimbus restart"
done_step

step "nimbus dies (SIGKILL): the restart policy restarts it"
NIMBUS="$(compose ps -q nimbus)"
restarts_before="$(docker inspect -f '{{.RestartCount}}' "$NIMBUS")"
logged docker exec "$NIMBUS" pkill -KILL -x storm-nimbus || fail "pkill storm-nimbus"
restarted() { (($(docker inspect -f '{{.RestartCount}}' "$NIMBUS") > restarts_before)); }
wait_for 60 restarted || fail "the nimbus container was not restarted"
wait_for 120 all_healthy nimbus || fail "nimbus is not healthy after the restart policy restarted it"
row="$(list_row)"
say "  restarted by its policy; $row"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE && "$(awk '{print $6}' <<<"$row")" == "$TOPOLOGY_ID" ]] ||
  fail "after the crash, wc is not ACTIVE as $TOPOLOGY_ID: '$row'"
[[ "$(worker_pids_in "$SURVIVOR")" == "$pids_before" ]] || fail "the workers changed across the Nimbus crash"
done_step

step "storm kill stops every worker"
storm_cli storm kill wc -w 1 | tee -a "$LOG" | sed 's/^/  /' || fail "storm kill"
no_workers() { [[ "$(workers_in "$SURVIVOR")" -eq 0 ]]; }
wait_for 60 no_workers || fail "$(workers_in "$SURVIVOR") workers still run 60 s after the kill"
gone() { [[ "$(storm_cli storm list 2>>"$LOG" | head -n 1)" == "No topologies running." ]]; }
wait_for 30 gone || fail "wc is still listed after the kill"
# The reporter writes its counts when its worker stops.
counts="$(docker exec "$SURVIVOR" sh -c 'cat /var/lib/storm/wc-counts.txt 2>/dev/null' | sort -k2,2nr | head -n 5 | tr '\n' ' ')"
if [[ -n "$counts" ]]; then
  say "  top word counts: $counts"
else
  say "  (no counts file from the reporter)"
fi
done_step

# ---- 4. Nimbus failover (docs/ha.md) ---------------------------------------------
# The Nimbuses as the UI's REST API lists them, from the host: "<host> leader"
# or "<host> follower" a line (host: the service's host name, nimbus or nimbus2).
nimbus_status() {
  python3 - "$STORM_UI_PORT" 2>>"$LOG" <<'PY'
import json, sys, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/v1/nimbus/summary"
# Long enough for the UI to skip a stopped Nimbus (its name may take a DNS
# timeout to fail).
with urllib.request.urlopen(url, timeout=30) as r:
    for n in json.load(r)["nimbuses"]:
        print(n["host"], "leader" if n["status"] == "Leader" else "follower")
PY
}
# Sets LEADER to the one Nimbus listed as leader; fails unless there is one.
one_leader() {
  local status
  status="$(nimbus_status)" || return 1
  [[ "$(grep -c ' leader$' <<<"$status")" -eq 1 ]] || return 1
  LEADER="$(awk '$2 == "leader" { print $1 }' <<<"$status")"
  [[ "$LEADER" == nimbus || "$LEADER" == nimbus2 ]]
}
leads() { one_leader && [[ "$LEADER" == "$1" ]]; }
# The storm-worker pids of every running supervisor container, one line each.
all_worker_pids() {
  local c
  for c in $(compose ps -q supervisor); do
    [[ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" == true ]] || continue
    printf '%s: %s\n' "${c:0:12}" "$(worker_pids_in "$c")"
  done
}
total_workers_are() { [[ "$(all_worker_pids | awk -F': ' '{ n += split($2, p, " ") } END { print n + 0 }')" -eq "$1" ]]; }
# Whether `storm list` answers and does not list topology $1.
not_listed() {
  local out
  out="$(storm_cli storm list 2>>"$LOG")" || return 1
  ! awk -v name="$1" '$1 == name { found = 1 } END { exit !found }' <<<"$out"
}

step "failover: a second topology runs, who leads"
# 4 workers, as wc: storm-perf-cluster measures a worker with bolts and no
# spout, and word count's 2 spouts take one worker each.
storm_cli storm jar /opt/storm/examples/libword_count.so ha1 -c topology.workers=4 |
  tee -a "$LOG" | sed 's/^/  /' || fail "storm jar ha1"
row="$(list_row ha1)"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE ]] || fail "ha1 is not listed as ACTIVE: '$row'"
HA1_ID="$(awk '{print $6}' <<<"$row")"
wait_for 90 total_workers_are 4 || fail "ha1 does not run 4 workers: $(all_worker_pids | tr '\n' ' ')"
wait_for 60 counts_grow ha1 || fail "no sentence of ha1 acked"
LEADER=""
wait_for 60 one_leader || fail "the UI does not list one leading Nimbus: $(nimbus_status | tr '\n' ' ')"
OLD_LEADER="$LEADER"
if [[ "$OLD_LEADER" == nimbus ]]; then NEW_LEADER=nimbus2; else NEW_LEADER=nimbus; fi
say "  $(nimbus_status | tr '\n' ' ')"
done_step

step "failover: stop the leader ($OLD_LEADER), $NEW_LEADER leads"
pids_before="$(all_worker_pids)"
stop_t0=$SECONDS
logged compose stop -t 10 "$OLD_LEADER" || fail "docker-compose stop $OLD_LEADER"
stop_secs=$((SECONDS - stop_t0))
WAIT_FOR_INTERVAL=1 wait_for 60 leads "$NEW_LEADER" ||
  fail "$NEW_LEADER does not lead 60 s after $OLD_LEADER stopped: $(nimbus_status | tr '\n' ' ')"
FAILOVER_SECS=$((SECONDS - stop_t0))
say "  failover: $NEW_LEADER leads $FAILOVER_SECS s after 'docker-compose stop $OLD_LEADER' began (the stop took $stop_secs s)"
TIMINGS+=("$(printf '%-52s %4d s' "(failover: $OLD_LEADER stopped, $NEW_LEADER leads)" "$FAILOVER_SECS")")
compose logs --no-color "$NEW_LEADER" 2>/dev/null | grep 'is the leader now' | tail -n 1 | sed 's/^/  /' || true
row="$(list_row ha1)"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE && "$(awk '{print $6}' <<<"$row")" == "$HA1_ID" ]] ||
  fail "after the failover, ha1 is not ACTIVE as $HA1_ID: '$row'"
sleep "$TASK_TIMEOUT"  # long enough for a wrong reassignment to show
[[ "$(all_worker_pids)" == "$pids_before" ]] ||
  fail "the workers changed across the failover: '$pids_before' -> '$(all_worker_pids)'"
wait_for 60 counts_grow ha1 || fail "no sentence of ha1 acked after the failover"
done_step

step "failover: the new leader kills and submits"
storm_cli storm kill ha1 -w 0 | tee -a "$LOG" | sed 's/^/  /' || fail "storm kill ha1 (leader $NEW_LEADER)"
wait_for 30 not_listed ha1 || fail "ha1 is still listed 30 s after the kill"
wait_for 60 total_workers_are 0 || fail "workers still run 60 s after killing ha1: $(all_worker_pids | tr '\n' ' ')"
storm_cli storm jar /opt/storm/examples/libword_count.so ha2 -c topology.workers=1 |
  tee -a "$LOG" | sed 's/^/  /' || fail "storm jar ha2 (leader $NEW_LEADER)"
row="$(list_row ha2)"
say "  $row"
[[ "$(awk '{print $2}' <<<"$row")" == ACTIVE ]] || fail "ha2 is not listed as ACTIVE: '$row'"
HA2_ID="$(awk '{print $6}' <<<"$row")"
wait_for 90 total_workers_are 1 || fail "ha2 does not run its worker: $(all_worker_pids | tr '\n' ' ')"
done_step

step "failover: $OLD_LEADER comes back as a follower"
logged compose start "$OLD_LEADER" || fail "docker-compose start $OLD_LEADER"
wait_for 120 all_healthy "$OLD_LEADER" || fail "$OLD_LEADER is not healthy after its start"
back_as_follower() {
  local status
  status="$(nimbus_status)" || return 1
  grep -qx "$OLD_LEADER follower" <<<"$status" && grep -qx "$NEW_LEADER leader" <<<"$status"
}
wait_for 60 back_as_follower || fail "$OLD_LEADER is not back as a follower: $(nimbus_status | tr '\n' ' ')"
say "  $(nimbus_status | tr '\n' ' ')"
# It copies the code of ha2, submitted while it was away, and drops ha1's.
OLD_CONTAINER="$(compose ps -q "$OLD_LEADER")"
stormdist=/var/lib/storm/nimbus/stormdist
code_synced() {
  docker exec "$OLD_CONTAINER" test -s "$stormdist/$HA2_ID/stormjar.so" &&
    ! docker exec "$OLD_CONTAINER" test -e "$stormdist/$HA1_ID"
}
wait_for 60 code_synced ||
  fail "$OLD_LEADER's code store: $(docker exec "$OLD_CONTAINER" ls "$stormdist" 2>&1 | tr '\n' ' ') (want $HA2_ID, not $HA1_ID)"
say "  $OLD_LEADER holds the code of $HA2_ID"
# Writes still reach the leader, whichever seed comes first.
storm_cli storm kill ha2 -w 0 | tee -a "$LOG" | sed 's/^/  /' || fail "storm kill ha2"
wait_for 30 not_listed ha2 || fail "ha2 is still listed 30 s after the kill"
leads "$NEW_LEADER" || fail "$NEW_LEADER no longer leads: $(nimbus_status | tr '\n' ' ')"
done_step

step "down -v leaves nothing of the project"
mapfile -t VOLUMES < <(for c in $(compose ps -q); do docker inspect -f '{{range .Mounts}}{{if .Name}}{{println .Name}}{{end}}{{end}}' "$c"; done | sort -u | grep .)
logged compose --profile cli down -v --remove-orphans --timeout 10 || fail "docker-compose down -v"
CLUSTER_UP=0
filter="label=com.docker.compose.project=$PROJECT"
left="$(docker ps -aq --filter "$filter") $(docker network ls -q --filter "$filter") $(docker volume ls -q --filter "$filter")"
for v in "${VOLUMES[@]}"; do
  docker volume inspect "$v" >/dev/null 2>&1 && left+=" volume:$v"
done
[[ -z "${left// /}" ]] || fail "left behind: $left"
say "  no container, network or volume left (${#VOLUMES[@]} volumes removed)"
done_step

FAILED=0
