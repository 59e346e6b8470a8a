// Fetching a topology's code directory (common/topology/code_dir.h) from a
// Nimbus, as a supervisor does before it launches the topology's workers,
// and a Nimbus does to hold the code of every topology.
#pragma once

#include <string>
#include <vector>

#include "storm/config.h"

namespace storm {

// Downloads stormjar.so, stormcode.ser and stormconf.ser of `topology_id`
// into `dest_dir` over Thrift's file download, from one of the Nimbuses
// `holders` ("host:port", those that hold the code, from /blobstore) tried
// in random order, else from the Nimbus found at nimbus.seeds. Throws
// NimbusUnreachableError or StormError naming the file.
void DownloadTopologyCode(const Config& conf, const std::string& topology_id,
                          std::vector<std::string> holders, const std::string& dest_dir);
// The same from the Nimbus at `host_port` only.
void DownloadTopologyCodeFrom(const Config& conf, const std::string& host_port,
                              const std::string& topology_id, const std::string& dest_dir);

}  // namespace storm
