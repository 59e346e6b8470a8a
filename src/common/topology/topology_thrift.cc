#include "common/topology/topology_thrift.h"

#include "storm/errors.h"
#include "sdk/config_json.h"
#include "sdk/topology_def.h"

namespace storm {

namespace {

gen::Grouping GroupingToThrift(const GroupingDef& g) {
  gen::Grouping out;
  switch (g.kind) {
    case GroupingKind::kShuffle: out.__set_shuffle(gen::NullStruct()); break;
    case GroupingKind::kFields: out.__set_fields(g.fields.toList()); break;
    case GroupingKind::kGlobal: out.__set_fields({}); break;
    case GroupingKind::kAll: out.__set_all(gen::NullStruct()); break;
    case GroupingKind::kNone: out.__set_none(gen::NullStruct()); break;
    case GroupingKind::kDirect: out.__set_direct(gen::NullStruct()); break;
    case GroupingKind::kLocalOrShuffle: out.__set_local_or_shuffle(gen::NullStruct()); break;
  }
  return out;
}

GroupingDef GroupingFromThrift(const gen::Grouping& g, const std::string& where) {
  if (g.__isset.fields) {
    if (g.fields.empty()) return {GroupingKind::kGlobal, {}};
    return {GroupingKind::kFields, Fields(g.fields)};
  }
  if (g.__isset.shuffle) return {GroupingKind::kShuffle, {}};
  if (g.__isset.all) return {GroupingKind::kAll, {}};
  if (g.__isset.none) return {GroupingKind::kNone, {}};
  if (g.__isset.direct) return {GroupingKind::kDirect, {}};
  if (g.__isset.local_or_shuffle) return {GroupingKind::kLocalOrShuffle, {}};
  throw InvalidTopologyError(where + " uses a custom grouping, which storm-cpp does not run");
}

gen::ComponentCommon CommonToThrift(const ComponentDef& def) {
  gen::ComponentCommon common;
  for (const auto& input : def.inputs) {
    gen::GlobalStreamId id;
    id.componentId = input.component;
    id.streamId = input.stream;
    common.inputs[id] = GroupingToThrift(input.grouping);
  }
  for (const auto& [stream, decl] : def.streams) {
    gen::StreamInfo info;
    info.output_fields = decl.fields.toList();
    info.direct = decl.direct;
    common.streams[stream] = info;
  }
  common.__set_parallelism_hint(def.parallelism);
  Config conf = def.conf;
  if (def.num_tasks > 0) conf.put(Config::kTopologyTasks, def.num_tasks);
  common.__set_json_conf(conf.toJson());
  return common;
}

void CommonFromThrift(const gen::ComponentCommon& common, ComponentDef& def) {
  for (const auto& [id, grouping] : common.inputs) {
    def.inputs.push_back(InputDef{id.componentId, id.streamId,
                                  GroupingFromThrift(grouping, "component '" + def.id + "'")});
  }
  for (const auto& [stream, info] : common.streams) {
    def.streams[stream] = StreamDeclaration{Fields(info.output_fields), info.direct};
  }
  def.parallelism = common.__isset.parallelism_hint ? common.parallelism_hint : 1;
  if (common.__isset.json_conf && !common.json_conf.empty()) {
    nlohmann::json json = nlohmann::json::parse(common.json_conf, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      throw InvalidTopologyError("component '" + def.id + "' has a json_conf that is not a JSON object");
    }
    def.conf = ConfigFromJson(std::move(json));
    if (def.conf.contains(Config::kTopologyTasks)) {
      def.num_tasks = static_cast<int>(def.conf.getInt(Config::kTopologyTasks));
      def.conf.erase(Config::kTopologyTasks);
    }
  }
}

gen::ComponentObject ObjectToThrift(const ComponentDef& def) {
  gen::CppObject cpp;
  cpp.class_name = def.class_name;
  gen::ComponentObject object;
  object.__set_cpp_object(cpp);
  return object;
}

std::string ClassFromThrift(const gen::ComponentObject& object, const std::string& id) {
  if (!object.__isset.cpp_object) {
    throw InvalidTopologyError("component '" + id +
                               "' is not a C++ component (Java or shell components do not run "
                               "on storm-cpp)");
  }
  return object.cpp_object.class_name;
}

}  // namespace

gen::StormTopology TopologyToThrift(const StormTopology& topology) {
  gen::StormTopology out;
  for (const auto& [id, def] : TopologyComponents(topology)) {
    if (def.is_spout) {
      gen::SpoutSpec spec;
      spec.spout_object = ObjectToThrift(def);
      spec.common = CommonToThrift(def);
      out.spouts[id] = spec;
    } else {
      gen::Bolt bolt;
      bolt.bolt_object = ObjectToThrift(def);
      bolt.common = CommonToThrift(def);
      out.bolts[id] = bolt;
    }
  }
  return out;
}

StormTopology TopologyFromThrift(const gen::StormTopology& thrift) {
  if (!thrift.state_spouts.empty()) {
    throw InvalidTopologyError("the topology has state spouts, which storm-cpp does not run");
  }
  StormTopology out;
  auto add = [&out](const std::string& id, bool is_spout) -> ComponentDef& {
    if (TopologyComponents(out).count(id) != 0) {
      throw InvalidTopologyError("component id '" + id + "' is used twice");
    }
    ComponentDef& def = TopologyComponents(out)[id];
    def.id = id;
    def.is_spout = is_spout;
    return def;
  };
  for (const auto& [id, spec] : thrift.spouts) {
    ComponentDef& def = add(id, true);
    def.class_name = ClassFromThrift(spec.spout_object, id);
    CommonFromThrift(spec.common, def);
  }
  for (const auto& [id, bolt] : thrift.bolts) {
    ComponentDef& def = add(id, false);
    def.class_name = ClassFromThrift(bolt.bolt_object, id);
    CommonFromThrift(bolt.common, def);
  }
  return out;
}

}  // namespace storm
