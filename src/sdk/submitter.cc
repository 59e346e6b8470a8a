#include "storm/submitter.h"

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "storm/errors.h"

namespace storm {

namespace {
// The host of the entry point call running on this thread, if any.
thread_local SubmissionHost* current_host = nullptr;

void CopyError(detail::EntryCall* call, const std::string& message) {
  std::strncpy(call->error, message.c_str(), sizeof(call->error) - 1);
  call->error[sizeof(call->error) - 1] = '\0';
}
}  // namespace

void StormSubmitter::submitTopology(const std::string& name, const Config& conf,
                                    StormTopology topology) {
  if (current_host == nullptr) {
    throw StormError(
        "StormSubmitter::submitTopology called outside a topology library's main: run the "
        "library with `storm jar` or `storm local`");
  }
  current_host->submit(name, conf, std::move(topology));
}

namespace detail {

int RunTopologyMain(EntryCall* call, UserMain user_main) {
  std::vector<std::string> args;
  for (int i = 0; i < call->argc; ++i) args.emplace_back(call->argv[i]);
  SubmissionHost* previous = current_host;
  current_host = call->host;
  int rc = 0;
  // No exception may cross the C entry point (docs/architecture.md#topology-libraries).
  try {
    user_main(args);
  } catch (const std::exception& e) {
    CopyError(call, e.what());
    rc = 1;
  } catch (...) {
    CopyError(call, "the topology's main threw a non-standard exception");
    rc = 1;
  }
  current_host = previous;
  return rc;
}

}  // namespace detail
}  // namespace storm
