#include "common/topology/code_dir.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/thrift/thrift_bytes.h"
#include "common/topology/topology_thrift.h"
#include "common/util/files.h"
#include "storm/errors.h"
#include "storm_types.h"
#include "sdk/config_json.h"

namespace fs = std::filesystem;

namespace storm {

namespace {
std::string PathIn(const std::string& dir, const char* file) {
  return (fs::path(dir) / file).string();
}
}  // namespace

void VerifyCodeDir(const std::string& topology_id, const std::string& dir) {
  const std::string library = ReadFile(PathIn(dir, CodeDir::kLibraryFile));
  if (library.size() < 4 || library.compare(0, 4, "\x7f" "ELF") != 0) {
    throw StormError("the downloaded library of " + topology_id + " is not a shared library");
  }
  ThriftFromBytes<gen::StormTopology>(ReadFile(PathIn(dir, CodeDir::kTopologyFile)),
                                      "the downloaded topology of " + topology_id);
  const auto conf =
      nlohmann::json::parse(ReadFile(PathIn(dir, CodeDir::kConfFile)), nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) {
    throw StormError("the downloaded config of " + topology_id + " is not a JSON object");
  }
}

Config ReadCodeDirConf(const std::string& dir) {
  const std::string file = PathIn(dir, CodeDir::kConfFile);
  nlohmann::json conf = nlohmann::json::parse(ReadFile(file), nullptr, false);
  if (conf.is_discarded() || !conf.is_object()) {
    throw StormError(file + " is not a JSON object");
  }
  return ConfigFromJson(std::move(conf));
}

StormTopology ReadCodeDirTopology(const std::string& dir) {
  const std::string file = PathIn(dir, CodeDir::kTopologyFile);
  return TopologyFromThrift(
      ThriftFromBytes<gen::StormTopology>(ReadFile(file), "the topology in " + file));
}

}  // namespace storm
