#!/usr/bin/env bash
# Configures (when the build directory is not configured yet) and builds
# storm-cpp with a CMake preset of CMakePresets.json.
#
#   scripts/build.sh [preset] [cmake --build options...]
#       presets: default (build/), ci, debug, release, asan, tsan (build-<preset>/)
#       e.g. scripts/build.sh release --target storm_perf
#            scripts/build.sh default --target storm_cli storm word_count
#
# Outputs: <builddir>/bin/storm, <builddir>/examples/lib*.so, <builddir>/tests/*.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/lib.sh

preset="${1:-default}"
shift || true
build_dir="$(build_dir_for_preset "$preset")"

if [[ ! -f "$build_dir/build.ninja" ]]; then
  echo "build: configuring preset $preset in $build_dir/"
  cmake --preset "$preset"
fi
echo "build: building preset $preset in $build_dir/ with $(nproc) jobs"
cmake --build --preset "$preset" -j "$(nproc)" "$@"
echo "build: done ($build_dir/bin, $build_dir/examples)"
