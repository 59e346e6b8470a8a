#include "storm/topology_builder.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <regex>

#include "sdk/topology_def.h"
#include "storm/errors.h"

namespace storm {

StormTopology::StormTopology() : impl_(std::make_unique<Impl>()) {}
StormTopology::StormTopology(const StormTopology& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
StormTopology::StormTopology(StormTopology&& other) noexcept : impl_(std::make_unique<Impl>()) {
  impl_.swap(other.impl_);
}
StormTopology& StormTopology::operator=(const StormTopology& other) {
  if (this != &other) impl_->components = other.impl_->components;
  return *this;
}
StormTopology& StormTopology::operator=(StormTopology&& other) noexcept {
  impl_.swap(other.impl_);
  return *this;
}
StormTopology::~StormTopology() = default;

std::vector<std::string> StormTopology::getSpoutIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, def] : impl_->components) {
    if (def.is_spout) ids.push_back(id);
  }
  return ids;
}

std::vector<std::string> StormTopology::getBoltIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, def] : impl_->components) {
    if (!def.is_spout) ids.push_back(id);
  }
  return ids;
}

void OutputFieldsDeclarer::declareStream(const std::string& stream, bool direct,
                                         const Fields& fields) {
  if (!streams_.emplace(stream, StreamDeclaration{fields, direct}).second) {
    throw InvalidTopologyError("stream '" + stream + "' is declared twice");
  }
}

namespace detail {

std::string DemangledName(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(type.name());
}

void SetNumTasks(ComponentDef& def, int tasks) { def.num_tasks = tasks; }
Config& ComponentConf(ComponentDef& def) { return def.conf; }

}  // namespace detail

BoltDeclarer& BoltDeclarer::Add(const std::string& component, const std::string& stream,
                                GroupingKind kind, const Fields* fields) {
  GroupingDef g{kind, fields != nullptr ? *fields : Fields()};
  def_.inputs.push_back(InputDef{component, stream, std::move(g)});
  return *this;
}

BoltDeclarer& BoltDeclarer::shuffleGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kShuffle, nullptr);
}
BoltDeclarer& BoltDeclarer::fieldsGrouping(const std::string& c, const Fields& f) {
  return Add(c, kDefaultStreamId, GroupingKind::kFields, &f);
}
BoltDeclarer& BoltDeclarer::fieldsGrouping(const std::string& c, const std::string& s,
                                           const Fields& f) {
  return Add(c, s, GroupingKind::kFields, &f);
}
BoltDeclarer& BoltDeclarer::allGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kAll, nullptr);
}
BoltDeclarer& BoltDeclarer::globalGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kGlobal, nullptr);
}
BoltDeclarer& BoltDeclarer::noneGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kNone, nullptr);
}
BoltDeclarer& BoltDeclarer::directGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kDirect, nullptr);
}
BoltDeclarer& BoltDeclarer::localOrShuffleGrouping(const std::string& c, const std::string& s) {
  return Add(c, s, GroupingKind::kLocalOrShuffle, nullptr);
}

TopologyBuilder::TopologyBuilder() = default;
TopologyBuilder::~TopologyBuilder() = default;

ComponentDef& TopologyBuilder::NewComponent(const std::string& id, int parallelism) {
  if (id.empty()) throw InvalidTopologyError("a component id must not be empty");
  if (id.rfind("__", 0) == 0) {
    throw InvalidTopologyError("component id '" + id + "': ids starting with __ are reserved");
  }
  if (TopologyComponents(topology_).count(id) != 0) {
    throw InvalidTopologyError("component id '" + id + "' is used twice");
  }
  ComponentDef& def = TopologyComponents(topology_)[id];
  def.id = id;
  def.parallelism = parallelism;
  return def;
}

SpoutDeclarer& TopologyBuilder::setSpout(const std::string& id, SpoutFactory factory,
                                         int parallelism, const std::string& class_name) {
  ComponentDef& def = NewComponent(id, parallelism);
  def.is_spout = true;
  def.spout_factory = std::move(factory);
  def.class_name = class_name;
  spout_declarers_.push_back(std::make_unique<SpoutDeclarer>(def));
  return *spout_declarers_.back();
}

BoltDeclarer& TopologyBuilder::setBolt(const std::string& id, BoltFactory factory,
                                       int parallelism, const std::string& class_name) {
  ComponentDef& def = NewComponent(id, parallelism);
  def.bolt_factory = std::move(factory);
  def.class_name = class_name;
  bolt_declarers_.push_back(std::make_unique<BoltDeclarer>(def));
  return *bolt_declarers_.back();
}

StormTopology TopologyBuilder::createTopology() {
  for (auto& [id, def] : TopologyComponents(topology_)) {
    OutputFieldsDeclarer declarer;
    Config component_conf;
    if (def.is_spout) {
      auto spout = def.spout_factory();
      spout->declareOutputFields(declarer);
      component_conf = spout->getComponentConfiguration();
    } else {
      auto bolt = def.bolt_factory();
      bolt->declareOutputFields(declarer);
      component_conf = bolt->getComponentConfiguration();
    }
    def.streams = declarer.streams();
    // Declarer settings win over the object's own configuration, as in Storm.
    def.conf = component_conf.merge(def.conf);
  }
  return topology_;
}

namespace {

void ValidateInput(const StormTopology& topology, const ComponentDef& bolt,
                   const InputDef& input) {
  const std::string where = "bolt '" + bolt.id + "'";
  const ComponentDef* source = FindComponent(topology, input.component);
  if (source == nullptr) {
    throw InvalidTopologyError(where + " subscribes to unknown component '" + input.component +
                               "'");
  }
  auto stream = source->streams.find(input.stream);
  if (stream == source->streams.end()) {
    throw InvalidTopologyError(where + " subscribes to undeclared stream '" + input.stream +
                               "' of component '" + input.component + "'");
  }
  const StreamDeclaration& decl = stream->second;
  const bool direct_grouping = input.grouping.kind == GroupingKind::kDirect;
  if (direct_grouping != decl.direct) {
    throw InvalidTopologyError(
        where + (direct_grouping ? " uses direct grouping on non-direct stream '"
                                 : " uses a non-direct grouping on direct stream '") +
        input.stream + "' of component '" + input.component + "'");
  }
  if (input.grouping.kind == GroupingKind::kFields) {
    if (input.grouping.fields.size() == 0) {
      throw InvalidTopologyError(where + " has a fields grouping with no fields");
    }
    for (const auto& field : input.grouping.fields.toList()) {
      if (!decl.fields.contains(field)) {
        throw InvalidTopologyError(where + " groups on field '" + field +
                                   "' which stream '" + input.stream + "' of component '" +
                                   input.component + "' does not declare (it declares " +
                                   decl.fields.toString() + ")");
      }
    }
  }
}

}  // namespace

void ValidateTopology(const StormTopology& topology) {
  bool has_spout = false;
  for (const auto& [id, def] : TopologyComponents(topology)) {
    if (def.parallelism < 1) {
      throw InvalidTopologyError("component '" + id + "' has parallelism " +
                                 std::to_string(def.parallelism) + "; it must be at least 1");
    }
    if (def.num_tasks < 0 || (def.num_tasks > 0 && def.num_tasks < def.parallelism)) {
      throw InvalidTopologyError("component '" + id + "' has " + std::to_string(def.num_tasks) +
                                 " tasks for " + std::to_string(def.parallelism) +
                                 " executors; tasks must be at least the executors");
    }
    if (def.is_spout) {
      has_spout = true;
      if (!def.inputs.empty()) throw InvalidTopologyError("spout '" + id + "' has inputs");
    }
    for (const auto& input : def.inputs) ValidateInput(topology, def, input);
  }
  if (!has_spout) throw InvalidTopologyError("the topology has no spout");
}

}  // namespace storm
