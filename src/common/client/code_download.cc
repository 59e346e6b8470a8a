#include "common/client/code_download.h"

#include <spdlog/spdlog.h>

#include "common/client/nimbus_client.h"
#include "common/topology/code_dir.h"

namespace storm {

void DownloadTopologyCode(const Config& conf, const std::string& topology_id,
                          const std::string& master_code_dir, const std::string& dest_dir) {
  auto nimbus = NimbusClient::Connect(conf);
  for (const char* file : CodeDir::kFiles) {
    nimbus->DownloadFile(master_code_dir + "/" + file, dest_dir + "/" + file);
  }
  spdlog::info("downloaded the code of {} from Nimbus at {}", topology_id, nimbus->address());
}

}  // namespace storm
