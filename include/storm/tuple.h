// Tuple: one message flowing through a topology, as a bolt sees it.
//
// A tuple has values, the fields that name them (declared by the component
// that emitted it), and its origin (component, stream, task). Typed getters
// take an index or a field name and throw StormError on a type mismatch or an
// unknown field, naming it.
//
// Lifetime: the `const Tuple&` handed to IBolt::execute is valid during that
// call. A bolt that acks later keeps a copy (Tuple is a value type); anchor
// new tuples to, and ack, that same copy: the ack value of a tuple (the XOR of
// the edges anchored to it) travels with the object.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "storm/export.h"
#include "storm/fields.h"
#include "storm/value.h"

namespace storm {

// The tuple-tree membership of a tuple: for every spout tuple (root id) whose
// tree it belongs to, the id of the edge it is. Empty for an unanchored tuple.
class STORM_API MessageId {
 public:
  using Entry = std::pair<uint64_t, uint64_t>;  // (root id, edge id)

  bool empty() const { return anchors_.empty(); }
  const std::vector<Entry>& anchors() const { return anchors_; }
  void clear() { anchors_.clear(); }
  // XORs `edge` into the entry of `root`, adding it when absent.
  void putXor(uint64_t root, uint64_t edge);

  bool operator==(const MessageId& other) const { return anchors_ == other.anchors_; }

 private:
  std::vector<Entry> anchors_;
};

// What the runtime knows about a stream of a component (the runtime's).
struct TupleSchema;

namespace detail {
struct TupleAccess;  // the runtime's way in (not part of the SDK)
}

class STORM_API Tuple {
 public:
  Tuple() = default;

  size_t size() const { return values_.size(); }
  const Values& getValues() const { return values_; }
  const Value& getValue(size_t i) const;
  const std::string& getString(size_t i) const { return getValue(i).asString(); }
  int64_t getLong(size_t i) const { return getValue(i).asInt(); }
  int64_t getInteger(size_t i) const { return getValue(i).asInt(); }
  double getDouble(size_t i) const { return getValue(i).asDouble(); }
  bool getBoolean(size_t i) const { return getValue(i).asBool(); }
  const std::string& getBinary(size_t i) const { return getValue(i).asBytes(); }

  const Value& getValueByField(const std::string& field) const;
  const std::string& getStringByField(const std::string& f) const {
    return getValueByField(f).asString();
  }
  int64_t getLongByField(const std::string& f) const { return getValueByField(f).asInt(); }
  int64_t getIntegerByField(const std::string& f) const { return getValueByField(f).asInt(); }
  double getDoubleByField(const std::string& f) const { return getValueByField(f).asDouble(); }
  bool getBooleanByField(const std::string& f) const { return getValueByField(f).asBool(); }
  const std::string& getBinaryByField(const std::string& f) const {
    return getValueByField(f).asBytes();
  }

  const Fields& getFields() const;
  bool contains(const std::string& field) const { return getFields().contains(field); }
  int fieldIndex(const std::string& field) const { return getFields().fieldIndex(field); }

  const std::string& getSourceComponent() const;
  const std::string& getSourceStreamId() const;
  int getSourceTask() const { return source_task_; }
  const MessageId& getMessageId() const { return message_id_; }
  // A tick tuple (stream __tick of component __system), as Storm's TupleUtils.isTick.
  bool isTick() const;

  std::string toString() const;

 private:
  friend struct detail::TupleAccess;

  // The runtime fills and tracks these (src/sdk/tuple_access.h).
  Values values_;
  MessageId message_id_;
  const TupleSchema* schema_ = nullptr;
  int32_t source_task_ = -1;
  mutable uint64_t ack_val_ = 0;  // XOR of the edges anchored to it (Storm's ackVal)
};

}  // namespace storm
