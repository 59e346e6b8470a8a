// Spouts and bolts: the user's code, as Apache Storm's ISpout, IBolt and
// IBasicBolt. Method names are Storm's (lowerCamelCase) so that a Storm user
// finds them where expected.
//
// Each task gets its own object, copied from the one given to
// TopologyBuilder (Storm serializes the object; we copy-construct it), so a
// component holds per-task state in members. Every method of one task is
// called from that task's executor thread only.
#pragma once

#include <stdexcept>
#include <string>

#include "storm/config.h"
#include "storm/export.h"
#include "storm/output_collector.h"
#include "storm/output_fields_declarer.h"
#include "storm/topology_context.h"
#include "storm/tuple.h"

namespace storm {

class STORM_API IComponent {
 public:
  virtual ~IComponent();
  virtual void declareOutputFields(OutputFieldsDeclarer& declarer) = 0;
  // Per-component config (merged over the topology config for its tasks).
  virtual Config getComponentConfiguration() { return Config(); }
};

class STORM_API ISpout : public IComponent {
 public:
  // Called once when the task starts; the collector outlives the spout.
  virtual void open(const Config& conf, TopologyContext& context,
                    SpoutOutputCollector& collector) = 0;
  virtual void close() {}
  virtual void activate() {}
  virtual void deactivate() {}
  // Emits zero or more tuples. Must not block for long: acks, fails and
  // backpressure are handled on the same thread between calls.
  virtual void nextTuple() = 0;
  // The tuple tree of msg_id completed.
  virtual void ack(const Value& msg_id) { (void)msg_id; }
  // The tuple tree of msg_id failed or timed out; the spout may replay it.
  virtual void fail(const Value& msg_id) { (void)msg_id; }
};

class STORM_API IBolt : public IComponent {
 public:
  virtual void prepare(const Config& conf, TopologyContext& context,
                       OutputCollector& collector) = 0;
  // Processes one input. The bolt acks or fails every input, now or later.
  // An exception escaping execute is reported and fails the input.
  virtual void execute(const Tuple& input) = 0;
  virtual void cleanup() {}
};

// A bolt whose inputs are acked for it when execute returns, and whose
// emits are anchored to the input. Throw FailedException to fail the input.
class STORM_API IBasicBolt : public IComponent {
 public:
  virtual void prepare(const Config& conf, TopologyContext& context) {
    (void)conf;
    (void)context;
  }
  virtual void execute(const Tuple& input, BasicOutputCollector& collector) = 0;
  virtual void cleanup() {}
};

// Thrown by an IBasicBolt to fail its input (Storm's FailedException).
class STORM_API FailedException : public std::runtime_error {
 public:
  explicit FailedException(const std::string& why = "failed") : std::runtime_error(why) {}
  ~FailedException() override;
};

// Conveniences with empty defaults, as Storm's BaseRichSpout/BaseRichBolt/BaseBasicBolt.
class STORM_API BaseRichSpout : public ISpout {};
class STORM_API BaseRichBolt : public IBolt {};
class STORM_API BaseBasicBolt : public IBasicBolt {};

}  // namespace storm
