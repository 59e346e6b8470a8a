// NimbusClient: a Thrift client of Nimbus (framed transport, binary
// protocol, as Storm's clients), for the CLI, the UI and supervisors.
// Finds the leading Nimbus as Storm's NimbusClient does: asks the Nimbuses
// at nimbus.seeds (in order, on nimbus.thrift.port) for getLeader and
// connects to the one named; a seed that is down or knows no leader is
// skipped. While no Nimbus leads (an election under way) it looks again,
// storm.nimbus.retry.times more times with exponential back-off
// (storm.nimbus.retry.interval.millis, .intervalceiling.millis).
//
// Errors: NimbusUnreachableError names every address tried; Thrift
// exceptions of the IDL (gen::NotAliveException, ...) pass through for the
// caller to report; other failures are StormError with Nimbus's message.
// Thread safety: one client per thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <string>

#include "Nimbus.h"
#include "storm/config.h"
#include "storm/errors.h"

namespace apache::thrift::transport {
class TTransport;
}

namespace storm {

class NimbusUnreachableError : public StormError {
 public:
  using StormError::StormError;
};

// "host:port" as host and port: nullopt unless there is exactly one colon
// and a port 1..65535 after it (a seed entry, a /blobstore holder).
std::optional<std::pair<std::string, int>> SplitHostPort(const std::string& host_port);

// Which Nimbus a client wants: the leader (writes: submit, kill, ...), or
// the leader when one is known and else any Nimbus that answers (reads,
// which followers answer too).
enum class NimbusPick { kLeader, kAny };

class NimbusClient {
 public:
  static std::unique_ptr<NimbusClient> Connect(const Config& conf,
                                               NimbusPick pick = NimbusPick::kLeader,
                                               int timeout_ms = 10'000);
  // The Nimbus at host:port, leader or not. NimbusUnreachableError.
  static std::unique_ptr<NimbusClient> ConnectTo(const std::string& host, int port,
                                                 const Config& conf, int timeout_ms = 10'000);
  ~NimbusClient();

  gen::NimbusClient& api() { return *client_; }
  const std::string& address() const { return address_; }

  // Runs a call, turning transport failures and TApplicationExceptions into
  // StormError with the address and Nimbus's message.
  template <class F>
  auto Call(F&& f) -> decltype(f(std::declval<gen::NimbusClient&>())) {
    try {
      return f(*client_);
    } catch (const apache::thrift::TApplicationException& e) {
      throw StormError(std::string(e.what()));
    } catch (const apache::thrift::transport::TTransportException& e) {
      throw NimbusUnreachableError("lost the connection to Nimbus at " + address_ + ": " + e.what());
    }
  }

  // Uploads the file in chunks; returns the upload's location on Nimbus.
  std::string UploadFile(const std::string& path);
  // Downloads a file of Nimbus's code store to `dest` (written to a
  // temporary file, then renamed).
  void DownloadFile(const std::string& file, const std::string& dest);

 private:
  NimbusClient(std::string address, std::shared_ptr<apache::thrift::transport::TTransport> transport,
               std::unique_ptr<gen::NimbusClient> client);

  std::string address_;
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;
  std::unique_ptr<gen::NimbusClient> client_;
};

}  // namespace storm
