// A topology library built for another ABI version of the SDK.
#include "storm/submitter.h"

extern "C" __attribute__((visibility("default"))) int storm_topology_entry(
    storm::detail::EntryCall* call) {
  call->library_abi_version = 99;
  return storm::detail::kEntryAbiMismatch;
}
