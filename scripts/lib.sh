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
