#!/usr/bin/env bash
# docker-compose over the project's cluster (docker/docker-compose.yml), with
# the image builds using this machine's Debian mirror: STORM_APT_SOURCES is
# set from the Debian 12 entries of the machine's apt sources
# (/etc/apt/sources.list and /etc/apt/sources.list.d/*.list and *.sources),
# unless it is set already; with no such entry the builds use the base
# image's own sources. Every argument goes to docker-compose:
#
#   scripts/docker-compose.sh up -d --build
#   scripts/docker-compose.sh run --rm cli storm list
#   scripts/docker-compose.sh down -v
#
# Runs from any directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

export_docker_apt_sources
exec docker-compose -f docker/docker-compose.yml "$@"
