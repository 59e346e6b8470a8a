// Acker messages travel packed (docs/architecture.md#the-acker): a tuple on an acker
// stream carries a single Bytes value holding many fixed-size entries, all
// little endian:
//   __ack_init, __ack_ack, __ack_fail to the acker: (u64 root, u64 value)
//     per entry; for init the value is the XOR of the spout tuple's edges
//     and the spout task is the tuple's source task; for fail it is 0.
//   __ack_ack, __ack_fail from the acker to a spout task: u64 root.
// An executor appends an entry per init, ack or fail and sends each pack
// when it flushes what it emitted, so a pack adds no wait. Packing spares
// each acker message the per-tuple cost of a slot, of routing, and of
// encoding and decoding values, and most tuples of an acked topology are
// acker messages (four of the six per tree of a spout and two bolts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "acker/flat_map.h"
#include "common/topology/serialization.h"
#include "storm/errors.h"

namespace storm {

inline constexpr size_t kAckerEntryBytes = 16;  // (root, value), to the acker
inline constexpr size_t kSpoutEntryBytes = 8;   // root, to a spout task
// A pack is sent once it holds this many bytes, without waiting for the flush.
inline constexpr size_t kMaxAckPackBytes = 4096;

// The acker task that tracks a tree: every message about one root goes to
// the same acker (Storm's fields grouping on the id).
// The hash is the one the acker's table uses; a spout's successive roots
// step it by 2 (RootIdGenerator), so its trees take the ackers in turn.
inline int AckerTaskFor(uint64_t root, const std::vector<int>& acker_tasks) {
  if (acker_tasks.size() == 1) return acker_tasks[0];
  return acker_tasks[(MixU64(root) >> 1) % acker_tasks.size()];
}

inline void AppendAckerEntry(std::string& pack, uint64_t root, uint64_t value) {
  uint8_t entry[kAckerEntryBytes];
  wire::PutFixed64(wire::PutFixed64(entry, root), value);
  pack.append(reinterpret_cast<const char*>(entry), sizeof entry);
}

inline void AppendSpoutEntry(std::string& pack, uint64_t root) {
  uint8_t entry[kSpoutEntryBytes];
  wire::PutFixed64(entry, root);
  pack.append(reinterpret_cast<const char*>(entry), sizeof entry);
}

// Calls on_entry(reader) for each entry of `entry_bytes` in `pack`; throws
// StormError naming the stream when the pack is not a whole number of
// entries (only a broken or hostile sender makes one).
template <typename OnEntry>
void ForEachPackEntry(const std::string& pack, size_t entry_bytes, const std::string& stream,
                      OnEntry&& on_entry) {
  if (pack.size() % entry_bytes != 0) {
    throw StormError("malformed acker pack on stream " + stream + ": " +
                     std::to_string(pack.size()) + " bytes is not a whole number of " +
                     std::to_string(entry_bytes) + "-byte entries");
  }
  ByteReader r(reinterpret_cast<const uint8_t*>(pack.data()), pack.size());
  while (!r.AtEnd()) on_entry(r);
}

}  // namespace storm
