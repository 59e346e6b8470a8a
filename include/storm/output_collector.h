// Output collectors: how spouts and bolts emit tuples, and how bolts ack.
//
// Every emit returns the ids of the tasks the tuple was sent to, as Storm's
// emit does. The returned vector is owned by the collector and valid until
// the next emit on that collector (no allocation per emit).
//
// Thread safety: a collector belongs to its task's executor thread; call it
// from open/prepare/nextTuple/execute/ack/fail of that task only.
#pragma once

#include <exception>
#include <initializer_list>
#include <string>
#include <vector>

#include "storm/export.h"
#include "storm/tuple.h"
#include "storm/value.h"

namespace storm {

inline constexpr const char* kDefaultStreamId = "default";

using TaskIds = std::vector<int>;

// The runtime's side of a spout collector: one virtual call per emit.
class STORM_API SpoutOutputCollector {
 public:
  virtual ~SpoutOutputCollector();

  // Unreliable emit (no message id): never acked nor failed.
  const TaskIds& emit(const Values& values) { return emitImpl(nullptr, values, nullptr, -1); }
  // Reliable emit: the spout's ack(msgId) or fail(msgId) is called once later.
  const TaskIds& emit(const Values& values, const Value& msg_id) {
    return emitImpl(nullptr, values, &msg_id, -1);
  }
  const TaskIds& emit(const std::string& stream, const Values& values) {
    return emitImpl(&stream, values, nullptr, -1);
  }
  const TaskIds& emit(const std::string& stream, const Values& values, const Value& msg_id) {
    return emitImpl(&stream, values, &msg_id, -1);
  }
  // Direct emit to one task of a component that subscribed with directGrouping.
  void emitDirect(int task, const Values& values) { emitImpl(nullptr, values, nullptr, task); }
  void emitDirect(int task, const Values& values, const Value& msg_id) {
    emitImpl(nullptr, values, &msg_id, task);
  }
  void emitDirect(int task, const std::string& stream, const Values& values) {
    emitImpl(&stream, values, nullptr, task);
  }
  void emitDirect(int task, const std::string& stream, const Values& values, const Value& msg_id) {
    emitImpl(&stream, values, &msg_id, task);
  }

  virtual void reportError(const std::string& error) = 0;
  // Number of tuple trees of this task not yet acked or failed.
  virtual long getPendingCount() const = 0;

 protected:
  // stream == nullptr means the default stream; direct_task < 0 means grouped.
  virtual const TaskIds& emitImpl(const std::string* stream, const Values& values,
                                  const Value* msg_id, int direct_task) = 0;
};

// The runtime's side of a bolt collector.
class STORM_API OutputCollector {
 public:
  using Anchors = std::initializer_list<const Tuple*>;

  virtual ~OutputCollector();

  const TaskIds& emit(const Values& values) { return emitImpl(nullptr, nullptr, 0, values, -1); }
  const TaskIds& emit(const Tuple& anchor, const Values& values) {
    const Tuple* a = &anchor;
    return emitImpl(nullptr, &a, 1, values, -1);
  }
  const TaskIds& emit(Anchors anchors, const Values& values) {
    return emitImpl(nullptr, anchors.begin(), anchors.size(), values, -1);
  }
  const TaskIds& emit(const std::vector<const Tuple*>& anchors, const Values& values) {
    return emitImpl(nullptr, anchors.data(), anchors.size(), values, -1);
  }
  const TaskIds& emit(const std::string& stream, const Values& values) {
    return emitImpl(&stream, nullptr, 0, values, -1);
  }
  const TaskIds& emit(const std::string& stream, const Tuple& anchor, const Values& values) {
    const Tuple* a = &anchor;
    return emitImpl(&stream, &a, 1, values, -1);
  }
  const TaskIds& emit(const std::string& stream, Anchors anchors, const Values& values) {
    return emitImpl(&stream, anchors.begin(), anchors.size(), values, -1);
  }
  void emitDirect(int task, const Values& values) { emitImpl(nullptr, nullptr, 0, values, task); }
  void emitDirect(int task, const std::string& stream, const Values& values) {
    emitImpl(&stream, nullptr, 0, values, task);
  }
  void emitDirect(int task, const Tuple& anchor, const Values& values) {
    const Tuple* a = &anchor;
    emitImpl(nullptr, &a, 1, values, task);
  }
  void emitDirect(int task, const std::string& stream, const Tuple& anchor, const Values& values) {
    const Tuple* a = &anchor;
    emitImpl(&stream, &a, 1, values, task);
  }
  void emitDirect(int task, const std::string& stream, Anchors anchors, const Values& values) {
    emitImpl(&stream, anchors.begin(), anchors.size(), values, task);
  }

  // Marks the input processed: its tuple tree may complete.
  virtual void ack(const Tuple& input) = 0;
  // Fails the input's tuple trees at once; the spouts' fail(msgId) is called.
  virtual void fail(const Tuple& input) = 0;
  virtual void reportError(const std::string& error) = 0;

 protected:
  virtual const TaskIds& emitImpl(const std::string* stream, const Tuple* const* anchors,
                                  size_t num_anchors, const Values& values, int direct_task) = 0;
};

// Handed to IBasicBolt::execute: every emit is anchored to the input, which
// is acked when execute returns (or failed when it throws FailedException).
class STORM_API BasicOutputCollector {
 public:
  BasicOutputCollector(OutputCollector& out, const Tuple& input) : out_(out), input_(input) {}

  const TaskIds& emit(const Values& values) { return out_.emit(input_, values); }
  const TaskIds& emit(const std::string& stream, const Values& values) {
    return out_.emit(stream, input_, values);
  }
  void emitDirect(int task, const Values& values) { out_.emitDirect(task, input_, values); }
  void emitDirect(int task, const std::string& stream, const Values& values) {
    out_.emitDirect(task, stream, input_, values);
  }
  void reportError(const std::string& error) { out_.reportError(error); }
  OutputCollector& outputCollector() { return out_; }

 private:
  OutputCollector& out_;
  const Tuple& input_;
};

}  // namespace storm
