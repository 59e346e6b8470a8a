#include "common/topology/topology_library.h"

#include <dlfcn.h>

#include <filesystem>

#include "storm/errors.h"
#include "storm/submitter.h"

namespace storm {

namespace {

using EntryFn = int (*)(detail::EntryCall*);

class CapturingHost final : public SubmissionHost {
 public:
  void submit(const std::string& name, const Config& conf, StormTopology topology) override {
    submissions.push_back(Submission{name, conf, std::move(topology)});
  }
  std::vector<Submission> submissions;
};

}  // namespace

std::shared_ptr<TopologyLibrary> TopologyLibrary::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw LibraryError("topology library " + path + ": no such file");
  }
  // RTLD_NOW: an unresolved symbol fails here, not in the middle of a run.
  void* handle = dlopen(std::filesystem::absolute(path).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw LibraryError("topology library " + path + " cannot be loaded: " + dlerror());
  }
  void* entry = dlsym(handle, detail::kEntryPointSymbol);
  if (entry == nullptr) {
    dlclose(handle);
    throw LibraryError("topology library " + path + " has no entry point " +
                       detail::kEntryPointSymbol + " (define one with STORM_TOPOLOGY_MAIN)");
  }
  return std::shared_ptr<TopologyLibrary>(new TopologyLibrary(path, handle, entry));
}

TopologyLibrary::~TopologyLibrary() { dlclose(handle_); }

std::vector<Submission> TopologyLibrary::Run(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  CapturingHost host;
  detail::EntryCall call{};
  call.host_abi_version = kTopologyAbiVersion;
  call.argc = static_cast<int>(argv.size());
  call.argv = argv.data();
  call.host = &host;
  const int rc = reinterpret_cast<EntryFn>(entry_)(&call);
  if (call.library_abi_version != kTopologyAbiVersion) {
    throw LibraryError("topology library " + path_ + " was built for topology ABI version " +
                       std::to_string(call.library_abi_version) + "; this storm runs version " +
                       std::to_string(kTopologyAbiVersion) + " (rebuild it against this SDK)");
  }
  if (rc != 0) {
    throw LibraryError("topology library " + path_ + ": its main failed: " + call.error);
  }
  if (host.submissions.empty()) {
    throw LibraryError("topology library " + path_ +
                       ": its main submitted no topology (call StormSubmitter::submitTopology)");
  }
  return std::move(host.submissions);
}

}  // namespace storm
