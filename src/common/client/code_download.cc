#include "common/client/code_download.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "common/client/nimbus_client.h"
#include "common/topology/code_dir.h"

namespace storm {

namespace {

void DownloadFrom(NimbusClient& nimbus, const std::string& topology_id,
                  const std::string& dest_dir) {
  for (const char* file : CodeDir::kFiles) {
    nimbus.DownloadFile(topology_id + "/" + file, dest_dir + "/" + file);
  }
  spdlog::info("downloaded the code of {} from Nimbus at {}", topology_id, nimbus.address());
}

}  // namespace

void DownloadTopologyCodeFrom(const Config& conf, const std::string& host_port,
                              const std::string& topology_id, const std::string& dest_dir) {
  auto split = SplitHostPort(host_port);
  if (!split) throw StormError("'" + host_port + "' is not host:port");
  auto nimbus = NimbusClient::ConnectTo(split->first, split->second, conf);
  DownloadFrom(*nimbus, topology_id, dest_dir);
}

void DownloadTopologyCode(const Config& conf, const std::string& topology_id,
                          std::vector<std::string> holders, const std::string& dest_dir) {
  std::shuffle(holders.begin(), holders.end(), std::mt19937{std::random_device{}()});
  std::string failures;
  for (const std::string& holder : holders) {
    try {
      DownloadTopologyCodeFrom(conf, holder, topology_id, dest_dir);
      return;
    } catch (const std::exception& e) {
      spdlog::warn("cannot download the code of {} from Nimbus at {}: {}", topology_id, holder,
                   e.what());
      failures += (failures.empty() ? "" : "; ") + holder + ": " + e.what();
    }
  }
  try {
    auto nimbus = NimbusClient::Connect(conf, NimbusPick::kAny);
    DownloadFrom(*nimbus, topology_id, dest_dir);
  } catch (const StormError& e) {
    if (failures.empty()) throw;
    throw StormError(std::string(e.what()) + " (and from the holders: " + failures + ")");
  }
}

}  // namespace storm
