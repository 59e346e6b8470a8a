// Where the tests find what the build made (daemons, CLI, topology
// libraries): $STORM_BUILD_DIR, which ctest sets, or else the build directory
// the test binary itself was built in. Never a path relative to the working
// directory: run by hand from the source tree, a sanitizer preset's test would
// otherwise load the default preset's uninstrumented libraries (and report
// races in code it cannot see the synchronisation of).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#ifndef STORM_TEST_BUILD_DIR
#error "STORM_TEST_BUILD_DIR must be defined (storm_add_test defines it)"
#endif
#ifndef STORM_TEST_SOURCE_DIR
#error "STORM_TEST_SOURCE_DIR must be defined (storm_add_test defines it)"
#endif

namespace storm::testing {

inline std::string BuildDir() {
  const char* dir = std::getenv("STORM_BUILD_DIR");
  return dir && *dir ? dir : STORM_TEST_BUILD_DIR;
}
inline std::string ExamplesDir() { return BuildDir() + "/examples"; }
// The source tree: $STORM_SOURCE_DIR (ctest sets it) or the one built from.
inline std::string SourceDir() {
  const char* dir = std::getenv("STORM_SOURCE_DIR");
  return dir && *dir ? dir : STORM_TEST_SOURCE_DIR;
}

// The whole file, bytes as they are; empty if it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace storm::testing
