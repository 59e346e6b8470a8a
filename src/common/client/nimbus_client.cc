#include "common/client/nimbus_client.h"

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <charconv>
#include <tuple>
#include <chrono>
#include <limits>
#include <thread>

#include <spdlog/spdlog.h>
#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

namespace storm {

namespace {
// Below nimbus.thrift.max_buffer_size's default (1 MiB) with room to spare.
constexpr size_t kUploadChunkBytes = 256 * 1024;
}  // namespace

NimbusClient::NimbusClient(std::string address,
                           std::shared_ptr<apache::thrift::transport::TTransport> transport,
                           std::unique_ptr<gen::NimbusClient> client)
    : address_(std::move(address)), transport_(std::move(transport)), client_(std::move(client)) {}

NimbusClient::~NimbusClient() {
  try {
    if (transport_) transport_->close();
  } catch (...) {
  }
}

std::optional<std::pair<std::string, int>> SplitHostPort(const std::string& host_port) {
  const size_t colon = host_port.find(':');
  if (colon == std::string::npos || host_port.find(':', colon + 1) != std::string::npos) {
    return std::nullopt;
  }
  int port = 0;
  const char* begin = host_port.data() + colon + 1;
  const char* end = host_port.data() + host_port.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port < 1 || port > 65535) return std::nullopt;
  return std::make_pair(host_port.substr(0, colon), port);
}

std::unique_ptr<NimbusClient> NimbusClient::ConnectTo(const std::string& host, int port,
                                                     const Config& conf, int timeout_ms) {
  using namespace apache::thrift;
  // Failures reach the caller as exceptions; Thrift's own prints are noise.
  GlobalOutput.setOutputFunction([](const char* message) { spdlog::debug("thrift: {}", message); });
  const int max_frame = static_cast<int>(conf.getInt(Config::kNimbusThriftMaxBufferSize));
  const std::string address = host + ":" + std::to_string(port);
  auto socket = std::make_shared<transport::TSocket>(host, port);
  socket->setConnTimeout(timeout_ms);
  socket->setRecvTimeout(10 * 60 * 1000);  // a kill with a long wait answers at once; uploads are chunked
  socket->setSendTimeout(timeout_ms);
  // See nimbus_server.cc: only the frame size bounds a message in Thrift 0.17.
  auto config = std::make_shared<TConfiguration>(std::numeric_limits<int>::max(), max_frame);
  auto framed = std::make_shared<transport::TFramedTransport>(socket, config);
  try {
    framed->open();
  } catch (const transport::TTransportException& e) {
    throw NimbusUnreachableError(address + " (" + e.what() + ")");
  }
  auto protocol = std::make_shared<protocol::TBinaryProtocol>(framed);
  return std::unique_ptr<NimbusClient>(
      new NimbusClient(address, framed, std::make_unique<gen::NimbusClient>(protocol)));
}

std::unique_ptr<NimbusClient> NimbusClient::Connect(const Config& conf, NimbusPick pick,
                                                    int timeout_ms) {
  const int port = static_cast<int>(conf.getInt(Config::kNimbusThriftPort));
  const std::vector<std::string> seeds = conf.getStringList(Config::kNimbusSeeds);
  if (seeds.empty()) throw NimbusUnreachableError("Nimbus unreachable: nimbus.seeds is empty");
  const int64_t retries = conf.getInt(Config::kStormNimbusRetryTimes);
  const int64_t ceiling = conf.getInt(Config::kStormNimbusRetryIntervalCeiling);
  int64_t wait_ms = conf.getInt(Config::kStormNimbusRetryInterval);
  for (int64_t attempt = 0;; ++attempt) {
    std::string tried;      // seeds that did not answer
    std::string no_leader;  // seeds that answered without a leader
    // A seed whose leader's advertised address does not answer from here
    // (a name only its network resolves): the seed may be that leader
    // itself; if it is not, it refuses writes naming the leader.
    std::unique_ptr<NimbusClient> fallback;
    for (const std::string& entry : seeds) {
      // "host", on nimbus.thrift.port, or "host:port" (ours: several
      // Nimbuses on one host).
      std::string host = entry;
      int seed_port = port;
      if (std::count(entry.begin(), entry.end(), ':') == 1) {
        auto split = SplitHostPort(entry);
        if (!split) {
          throw NimbusUnreachableError("nimbus.seeds entry '" + entry + "' has no valid port");
        }
        std::tie(host, seed_port) = *split;
      }
      std::unique_ptr<NimbusClient> seed;
      try {
        seed = ConnectTo(host, seed_port, conf, timeout_ms);
      } catch (const NimbusUnreachableError& e) {
        tried += (tried.empty() ? "" : ", ") + std::string(e.what());
        continue;
      }
      gen::NimbusSummary leader;
      try {
        seed->api().getLeader(leader);
      } catch (const std::exception& e) {
        // No leader now (or a Nimbus that does not know getLeader).
        if (pick == NimbusPick::kAny) return seed;
        no_leader += (no_leader.empty() ? "" : ", ") + seed->address() + " (" + e.what() + ")";
        continue;
      }
      if (seed->address() == leader.host + ":" + std::to_string(leader.port) ||
          (host == leader.host && seed_port == leader.port)) {
        return seed;
      }
      try {
        return ConnectTo(leader.host, leader.port, conf, timeout_ms);
      } catch (const NimbusUnreachableError& e) {
        // The leader just died, or its host name does not resolve here.
        spdlog::debug("the leader {}:{} named by {} does not answer: {}", leader.host, leader.port,
                      seed->address(), e.what());
        if (!fallback) fallback = std::move(seed);
      }
    }
    if (fallback) return fallback;
    if (no_leader.empty()) {
      // No seed answered at all: nothing to wait for.
      throw NimbusUnreachableError("Nimbus unreachable at " + tried);
    }
    if (attempt >= retries) {
      throw NimbusUnreachableError("no leading Nimbus found at nimbus.seeds after " +
                                   std::to_string(attempt + 1) + " looks: " + no_leader +
                                   (tried.empty() ? "" : "; unreachable: " + tried));
    }
    spdlog::info("no leading Nimbus yet ({}); looking again in {} ms", no_leader, wait_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, std::max<int64_t>(ceiling, 1));
  }
}

std::string NimbusClient::UploadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StormError("cannot read " + path);
  std::string location;
  Call([&](gen::NimbusClient& c) { c.beginFileUpload(location); });
  std::string chunk(kUploadChunkBytes, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    const std::string piece = chunk.substr(0, n);
    Call([&](gen::NimbusClient& c) { c.uploadChunk(location, piece); });
  }
  Call([&](gen::NimbusClient& c) { c.finishFileUpload(location); });
  return location;
}

void NimbusClient::DownloadFile(const std::string& file, const std::string& dest) {
  std::string session;
  Call([&](gen::NimbusClient& c) { c.beginFileDownload(session, file); });
  const std::string tmp = dest + ".download";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw StormError("cannot write " + tmp);
    while (true) {
      std::string chunk;
      Call([&](gen::NimbusClient& c) { c.downloadChunk(chunk, session); });
      if (chunk.empty()) break;
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    }
    out.close();
    if (!out) throw StormError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, dest);
}

}  // namespace storm
