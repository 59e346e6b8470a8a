// Fetching a topology's code directory (common/topology/code_dir.h) from
// Nimbus, as a supervisor does before it launches the topology's workers.
#pragma once

#include <string>

#include "storm/config.h"

namespace storm {

// Downloads stormjar.so, stormcode.ser and stormconf.ser of `topology_id`,
// kept by Nimbus in `master_code_dir`, into `dest_dir`, over the Thrift
// file download of the Nimbus found at nimbus.seeds. Throws
// NimbusUnreachableError or StormError naming the file.
void DownloadTopologyCode(const Config& conf, const std::string& topology_id,
                          const std::string& master_code_dir, const std::string& dest_dir);

}  // namespace storm
