// NimbusClient: a Thrift client of Nimbus (framed transport, binary
// protocol, as Storm's clients), for the CLI and supervisors. Finds Nimbus
// at nimbus.seeds (tried in order) and nimbus.thrift.port.
//
// Errors: NimbusUnreachableError names every address tried; Thrift
// exceptions of the IDL (gen::NotAliveException, ...) pass through for the
// caller to report; other failures are StormError with Nimbus's message.
// Thread safety: one client per thread.
#pragma once

#include <functional>
#include <memory>
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

class NimbusClient {
 public:
  static std::unique_ptr<NimbusClient> Connect(const Config& conf, int timeout_ms = 10'000);
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
