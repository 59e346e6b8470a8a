#include "common/client/nimbus_client.h"

#include <filesystem>
#include <fstream>
#include <limits>

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

std::unique_ptr<NimbusClient> NimbusClient::Connect(const Config& conf, int timeout_ms) {
  using namespace apache::thrift;
  // Failures reach the caller as exceptions; Thrift's own prints are noise.
  GlobalOutput.setOutputFunction([](const char* message) { spdlog::debug("thrift: {}", message); });
  const int port = static_cast<int>(conf.getInt(Config::kNimbusThriftPort));
  const int max_frame = static_cast<int>(conf.getInt(Config::kNimbusThriftMaxBufferSize));
  std::string tried;
  for (const std::string& host : conf.getStringList(Config::kNimbusSeeds)) {
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
      tried += (tried.empty() ? "" : ", ") + address + " (" + e.what() + ")";
      continue;
    }
    auto protocol = std::make_shared<protocol::TBinaryProtocol>(framed);
    return std::unique_ptr<NimbusClient>(
        new NimbusClient(address, framed, std::make_unique<gen::NimbusClient>(protocol)));
  }
  throw NimbusUnreachableError("Nimbus unreachable at " + (tried.empty() ? "(no nimbus.seeds)" : tried));
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
