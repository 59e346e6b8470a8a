// The runtime's side of storm::Tuple: how executors fill tuples, give them
// their origin and track their tuple trees. Not part of the SDK: a topology
// author only reads tuples (storm/tuple.h).
#pragma once

#include <cstdint>
#include <string>

#include "storm/fields.h"
#include "storm/tuple.h"

namespace storm {

// What the runtime knows about a stream of a component; owned by the
// runtime's TopologyLayout, shared by every tuple of that stream.
struct TupleSchema {
  std::string component;
  std::string stream;
  Fields fields;
  int32_t stream_index = 0;  // the stream's index in the topology-wide table
};

namespace detail {
struct TupleAccess {
  static Values& MutableValues(Tuple& t) { return t.values_; }
  static MessageId& MutableMessageId(Tuple& t) { return t.message_id_; }
  static const TupleSchema* Schema(const Tuple& t) { return t.schema_; }
  static void SetOrigin(Tuple& t, const TupleSchema* schema, int32_t source_task) {
    t.schema_ = schema;
    t.source_task_ = source_task;
  }
  static uint64_t AckVal(const Tuple& t) { return t.ack_val_; }
  static void UpdateAckVal(const Tuple& t, uint64_t edge) { t.ack_val_ ^= edge; }
  static void ResetAckVal(Tuple& t) { t.ack_val_ = 0; }
};
}  // namespace detail

inline Values& MutableValues(Tuple& t) { return detail::TupleAccess::MutableValues(t); }
inline MessageId& MutableMessageId(Tuple& t) { return detail::TupleAccess::MutableMessageId(t); }
// The tuple's stream, or nullptr for a tuple made outside the runtime.
inline const TupleSchema* SchemaOf(const Tuple& t) { return detail::TupleAccess::Schema(t); }
inline void SetOrigin(Tuple& t, const TupleSchema* schema, int32_t source_task) {
  detail::TupleAccess::SetOrigin(t, schema, source_task);
}
// XOR of the edge ids of the tuples anchored to this one (Storm's ackVal).
// It travels with the object: a bolt that acks later acks its kept copy.
inline uint64_t AckVal(const Tuple& t) { return detail::TupleAccess::AckVal(t); }
inline void UpdateAckVal(const Tuple& t, uint64_t edge) {
  detail::TupleAccess::UpdateAckVal(t, edge);
}
inline void ResetAckVal(Tuple& t) { detail::TupleAccess::ResetAckVal(t); }

}  // namespace storm
