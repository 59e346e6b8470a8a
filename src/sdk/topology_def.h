// The runtime's view of a storm::StormTopology: its components, their
// inputs with groupings, declared streams, parallelism, config and factories.
// Not part of the SDK; TopologyBuilder fills it, the runtime reads it (Thrift
// translation, layout, validation, worker factories).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storm/config.h"
#include "storm/export.h"
#include "storm/fields.h"
#include "storm/output_fields_declarer.h"
#include "storm/topology.h"

namespace storm {

enum class GroupingKind : int { kShuffle, kFields, kAll, kGlobal, kNone, kDirect, kLocalOrShuffle };

struct GroupingDef {
  GroupingKind kind = GroupingKind::kShuffle;
  Fields fields;  // for kFields only
};

struct InputDef {
  std::string component;
  std::string stream;
  GroupingDef grouping;
};

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

using ComponentMap = std::map<std::string, ComponentDef>;  // by id: Storm numbers tasks in id order

struct StormTopology::Impl {
  ComponentMap components;
};

namespace detail {
struct TopologyAccess {
  static ComponentMap& Components(StormTopology& t) { return t.impl_->components; }
  static const ComponentMap& Components(const StormTopology& t) { return t.impl_->components; }
};
}  // namespace detail

// The topology's components by id.
inline ComponentMap& TopologyComponents(StormTopology& topology) {
  return detail::TopologyAccess::Components(topology);
}
inline const ComponentMap& TopologyComponents(const StormTopology& topology) {
  return detail::TopologyAccess::Components(topology);
}

// The component `id`, or nullptr.
inline const ComponentDef* FindComponent(const StormTopology& topology, const std::string& id) {
  const ComponentMap& components = TopologyComponents(topology);
  auto it = components.find(id);
  return it == components.end() ? nullptr : &it->second;
}

}  // namespace storm
