// StormSubmitter and the topology library's entry point.
//
// A topology library is a shared library with one exported C entry point,
// made by STORM_TOPOLOGY_MAIN. The host (`storm jar`, `storm local`, a
// worker) loads the library and calls the entry point with the command-line
// arguments; the user's main builds the topology and calls
// StormSubmitter::submitTopology, which hands it to the host:
//
//   STORM_TOPOLOGY_MAIN(args) {
//     storm::TopologyBuilder builder;
//     ...
//     storm::Config conf;
//     storm::StormSubmitter::submitTopology(args.at(0), conf, builder.createTopology());
//   }
//
// The main must build the same topology for the same arguments: workers run
// it again to make their tasks' objects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/export.h"
#include "storm/topology.h"

namespace storm {

// Version of the library/host contract. Bumped on any change of the SDK's
// binary interface; a library of another version is refused at load.
// tests/unit/sdk/abi_layout_test.cc fails when the layout of a type crossing
// the boundary, or the SDK's declarations, change without a new record.
inline constexpr uint32_t kTopologyAbiVersion = 3;

// Receives the topologies a library's main submits. Implemented by hosts.
class STORM_API SubmissionHost {
 public:
  virtual ~SubmissionHost();
  virtual void submit(const std::string& name, const Config& conf, StormTopology topology) = 0;
};

class STORM_API StormSubmitter {
 public:
  // Hands the topology to the host running this library's main. Throws
  // StormError when called outside an entry point call, or with what the
  // host refused (an invalid topology, a name already alive, ...).
  static void submitTopology(const std::string& name, const Config& conf,
                             StormTopology topology);
};

namespace detail {

// The entry point's argument. The first two fields never move, so that any
// two versions can tell each other theirs.
struct EntryCall {
  uint32_t host_abi_version;
  uint32_t library_abi_version;  // set by the library
  int argc;
  const char* const* argv;
  SubmissionHost* host;
  char error[1024];  // set by the library when it returns non-zero
};

using UserMain = void (*)(const std::vector<std::string>& args);

// Runs the user's main with `call->host` as the submission host, catching
// every exception into call->error. Returns 0 on success.
STORM_API int RunTopologyMain(EntryCall* call, UserMain user_main);

inline constexpr const char* kEntryPointSymbol = "storm_topology_entry";
inline constexpr int kEntryAbiMismatch = 2;

}  // namespace detail
}  // namespace storm

#define STORM_TOPOLOGY_MAIN(args)                                                    \
  static void StormTopologyUserMain(const std::vector<std::string>& args);           \
  extern "C" __attribute__((visibility("default"))) int storm_topology_entry(        \
      ::storm::detail::EntryCall* call) {                                             \
    call->library_abi_version = ::storm::kTopologyAbiVersion;                         \
    if (call->host_abi_version != ::storm::kTopologyAbiVersion) {                     \
      return ::storm::detail::kEntryAbiMismatch;                                      \
    }                                                                                 \
    return ::storm::detail::RunTopologyMain(call, &StormTopologyUserMain);            \
  }                                                                                   \
  static void StormTopologyUserMain(const std::vector<std::string>& args)
