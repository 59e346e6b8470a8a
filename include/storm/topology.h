// StormTopology: a topology as the SDK builds it (components, their inputs
// with groupings, their declared streams, parallelism and config, and the
// factories that make each task's spout or bolt object). TopologyBuilder
// makes one; the runtime turns it into Thrift for Nimbus and into executors.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storm/component.h"
#include "storm/config.h"
#include "storm/export.h"
#include "storm/fields.h"
#include "storm/output_fields_declarer.h"

namespace storm {

enum class GroupingKind { kShuffle, kFields, kAll, kGlobal, kNone, kDirect, kLocalOrShuffle };

STORM_API const char* GroupingName(GroupingKind kind);

struct GroupingDef {
  GroupingKind kind = GroupingKind::kShuffle;
  Fields fields;  // for kFields only
};

struct InputDef {
  std::string component;
  std::string stream;
  GroupingDef grouping;
};

using SpoutFactory = std::function<std::unique_ptr<ISpout>()>;
using BoltFactory = std::function<std::unique_ptr<IBolt>()>;

struct ComponentDef {
  std::string id;
  bool is_spout = false;
  int parallelism = 1;  // executors
  int num_tasks = 0;    // 0: as many as executors
  std::vector<InputDef> inputs;
  std::map<std::string, StreamDeclaration> streams;
  Config conf;
  std::string class_name;
  SpoutFactory spout_factory;  // set for spouts
  BoltFactory bolt_factory;    // set for bolts

  int taskCount() const { return num_tasks > 0 ? num_tasks : parallelism; }
};

class STORM_API StormTopology {
 public:
  // Components by id (std::map: iteration in id order, as Storm numbers tasks).
  std::map<std::string, ComponentDef>& components() { return components_; }
  const std::map<std::string, ComponentDef>& components() const { return components_; }
  const ComponentDef* find(const std::string& id) const;

 private:
  std::map<std::string, ComponentDef> components_;
};

}  // namespace storm
