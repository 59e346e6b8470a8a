// A topology's code directory: what Nimbus keeps under
// storm.local.dir/nimbus/stormdist/<topology-id>/ and a supervisor copies to
// storm.local.dir/supervisor/stormdist/<topology-id>/, as Storm 1.x laid it
// out:
//   stormjar.so     the topology library (the C++ "jar")
//   stormcode.ser   the topology (Thrift StormTopology, binary protocol)
//   stormconf.ser   its config (JSON)
// Nimbus writes it (nimbus/code_store.h), supervisors download and verify
// it, workers read it.
#pragma once

#include <string>

#include "storm/config.h"
#include "storm/topology.h"

namespace storm {

struct CodeDir {
  static constexpr const char* kLibraryFile = "stormjar.so";
  static constexpr const char* kTopologyFile = "stormcode.ser";
  static constexpr const char* kConfFile = "stormconf.ser";
  static constexpr const char* kFiles[] = {kLibraryFile, kTopologyFile, kConfFile};
};

// Checks that a downloaded code directory is whole: the library is an ELF
// file, the topology decodes, the config is a JSON object. Throws StormError
// naming the topology and the file that is not.
void VerifyCodeDir(const std::string& topology_id, const std::string& dir);

// The topology's config (stormconf.ser). Throws StormError naming the file.
Config ReadCodeDirConf(const std::string& dir);

// The topology's shape (stormcode.ser), without factories. Throws StormError
// naming the file, or InvalidTopologyError for what storm-cpp cannot run.
StormTopology ReadCodeDirTopology(const std::string& dir);

}  // namespace storm
