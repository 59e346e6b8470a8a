// NimbusServer: the Thrift face of Nimbus (the Nimbus service of
// thrift/storm.thrift), a thin adapter that turns Thrift calls into calls of
// the Nimbus library and its errors into Storm's Thrift exceptions.
//
// Transport as Storm's: framed transport, binary protocol, a thread per
// connection. A frame larger than nimbus.thrift.max_buffer_size, garbage or
// a client that goes away closes only that connection; the server keeps
// serving. Errors that the IDL has no exception for (an upload past the size
// limit, ZooKeeper unreachable) reach the client as a TApplicationException
// carrying the message.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "nimbus/nimbus.h"

namespace apache::thrift::server {
class TServer;
}

namespace storm {

class NimbusServer {
 public:
  // Binds `bind_host`:`port` (0: any free port) at Start().
  NimbusServer(Nimbus& nimbus, const Config& conf, std::string bind_host, int port);
  ~NimbusServer();
  NimbusServer(const NimbusServer&) = delete;
  NimbusServer& operator=(const NimbusServer&) = delete;

  // Starts serving on a thread of its own; returns once the port is bound.
  // `before_serving` runs with the bound port after the bind and before the
  // first client is served (Nimbus registers itself there, as Storm's does
  // before it serves). Throws StormError when the port cannot be bound or
  // `before_serving` throws; nothing is served then.
  void Start(const std::function<void(int port)>& before_serving = {});
  void Stop();
  // The bound port (after Start).
  int port() const { return port_.load(); }

 private:
  Nimbus& nimbus_;
  const int max_frame_bytes_;
  const std::string bind_host_;
  std::atomic<int> port_;
  std::shared_ptr<apache::thrift::server::TServer> server_;
  std::thread thread_;
};

// Sends Thrift's own diagnostics (a client that died, a bad frame) to spdlog
// instead of stderr. Called by NimbusServer; harmless to call twice.
void RouteThriftLoggingToSpdlog();

}  // namespace storm
