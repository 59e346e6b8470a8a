#include "common/topology/topology_layout.h"

#include "common/config/config_loader.h"
#include "storm/errors.h"
#include "storm/topology_builder.h"
#include "sdk/topology_def.h"

namespace storm {

namespace {

const Fields kAckInitFields{"id", "ack-val", "spout-task"};
const Fields kAckAckFields{"id", "ack-val"};
const Fields kAckFailFields{"id"};
const std::vector<int> kNoTasks;

// Splits `tasks` consecutive ids into `executors` ranges, the first ranges
// one longer when they do not divide evenly (as Storm's partitioning).
void AddExecutors(const std::string& component, const std::vector<int>& tasks, int executors,
                  std::vector<ExecutorDef>& out) {
  const int n = static_cast<int>(tasks.size());
  int next = 0;
  for (int e = 0; e < executors; ++e) {
    int count = n / executors + (e < n % executors ? 1 : 0);
    out.push_back(ExecutorDef{component, tasks[next], tasks[next + count - 1]});
    next += count;
  }
}

}  // namespace

StormTopology WithExecutors(const StormTopology& topology,
                            const std::map<std::string, int>& executors) {
  StormTopology out = topology;
  for (auto& [id, def] : TopologyComponents(out)) {
    auto it = executors.find(id);
    if (it == executors.end() || it->second == def.parallelism) continue;
    def.num_tasks = def.taskCount();
    def.parallelism = it->second;
  }
  return out;
}

std::shared_ptr<const TopologyLayout> BuildRunningLayout(
    const std::string& topology_id, const StormTopology& topology, Config conf,
    const std::map<std::string, int>& component_executors) {
  auto ackers = component_executors.find(kAckerComponentId);
  if (ackers != component_executors.end()) {
    conf.put(Config::kTopologyAckerExecutors, ackers->second);
  }
  return TopologyLayout::Build(topology_id, WithExecutors(topology, component_executors), conf);
}

std::shared_ptr<const TopologyLayout> TopologyLayout::Build(const std::string& topology_id,
                                                            const StormTopology& topology,
                                                            const Config& conf) {
  ValidateTopology(topology);
  std::shared_ptr<TopologyLayout> layout(new TopologyLayout());
  layout->topology_id_ = topology_id;
  layout->topology_ = topology;
  // The built-in defaults under the topology's config, so that every reader
  // of a key finds its value (and no reader writes a default of its own).
  layout->conf_ = DefaultConfig();
  layout->conf_.merge(conf);
  const int64_t workers = layout->conf_.getInt(Config::kTopologyWorkers);
  // null (the default): one acker per worker, as in Storm.
  const int64_t num_ackers = layout->conf_.getInt(Config::kTopologyAckerExecutors, workers);
  if (num_ackers < 0) {
    throw ConfigError("config key 'topology.acker.executors': expected a non-negative integer");
  }
  layout->num_ackers_ = static_cast<int>(num_ackers);
  layout->AddSystemComponents();
  layout->AssignTasks();
  layout->BuildStreams();
  return layout;
}

void TopologyLayout::AddSystemComponents() {
  auto& components = TopologyComponents(topology_);
  for (auto& [id, def] : components) {
    if (def.is_spout) {
      def.streams[kAckInitStreamId] = {kAckInitFields, false};
    } else {
      def.streams[kAckAckStreamId] = {kAckAckFields, false};
      def.streams[kAckFailStreamId] = {kAckFailFields, false};
    }
  }
  if (num_ackers_ > 0) {
    ComponentDef acker;
    acker.id = kAckerComponentId;
    acker.parallelism = num_ackers_;
    acker.class_name = "storm::AckerBolt";
    acker.streams[kAckAckStreamId] = {kAckFailFields, true};
    acker.streams[kAckFailStreamId] = {kAckFailFields, true};
    const GroupingDef by_id{GroupingKind::kFields, Fields{"id"}};
    for (auto& [id, def] : components) {
      if (def.is_spout) {
        acker.inputs.push_back({id, kAckInitStreamId, by_id});
        def.inputs.push_back({kAckerComponentId, kAckAckStreamId, {GroupingKind::kDirect, {}}});
        def.inputs.push_back({kAckerComponentId, kAckFailStreamId, {GroupingKind::kDirect, {}}});
      } else {
        acker.inputs.push_back({id, kAckAckStreamId, by_id});
        acker.inputs.push_back({id, kAckFailStreamId, by_id});
      }
    }
    // The acker expires pending trees on ticks of the message timeout.
    acker.conf.put(Config::kTopologyTickTupleFreqSecs,
                   conf_.getInt(Config::kTopologyMessageTimeoutSecs));
    components[kAckerComponentId] = std::move(acker);
  }
  for (const auto& [id, def] : components) {
    component_confs_[id] = Config(conf_).merge(def.conf);
  }
}

void TopologyLayout::AssignTasks() {
  int next_task = 1;
  task_components_.assign(1, "");  // task 0 does not exist
  for (const auto& [id, def] : TopologyComponents(topology_)) {
    std::vector<int>& tasks = tasks_[id];
    for (int i = 0; i < def.taskCount(); ++i) {
      tasks.push_back(next_task++);
      task_components_.push_back(id);
    }
    AddExecutors(id, tasks, def.parallelism, executors_);
  }
  max_task_ = next_task - 1;
}

void TopologyLayout::BuildStreams() {
  auto add_stream = [this](const std::string& component, const std::string& stream,
                           const Fields& fields) {
    int index = static_cast<int>(schemas_.size());
    schemas_.push_back(
        std::make_unique<TupleSchema>(TupleSchema{component, stream, fields, index}));
    stream_index_[{component, stream}] = index;
  };
  for (const auto& [id, def] : TopologyComponents(topology_)) {
    for (const auto& [stream, decl] : def.streams) add_stream(id, stream, decl.fields);
  }
  add_stream(kSystemComponentId, kTickStreamId, Fields{});
  tick_stream_ = static_cast<int>(schemas_.size()) - 1;
  subscribers_.resize(schemas_.size());
  for (const auto& [id, def] : TopologyComponents(topology_)) {
    for (const auto& input : def.inputs) {
      int index = StreamIndex(input.component, input.stream);
      subscribers_[index].push_back(Subscription{id, input.grouping, tasks_.at(id)});
    }
  }
}

const Config& TopologyLayout::ComponentConf(const std::string& id) const {
  auto it = component_confs_.find(id);
  return it == component_confs_.end() ? conf_ : it->second;
}

const std::vector<int>& TopologyLayout::TasksOf(const std::string& component) const {
  auto it = tasks_.find(component);
  return it == tasks_.end() ? kNoTasks : it->second;
}

const std::string* TopologyLayout::ComponentOfTask(int task) const {
  if (task <= 0 || task > max_task_) return nullptr;
  return &task_components_[task];
}

std::vector<std::string> TopologyLayout::ComponentIds() const {
  std::vector<std::string> ids;
  for (const auto& [id, def] : TopologyComponents(topology_)) ids.push_back(id);
  return ids;
}

int TopologyLayout::StreamIndex(const std::string& component, const std::string& stream) const {
  auto it = stream_index_.find({component, stream});
  return it == stream_index_.end() ? -1 : it->second;
}

void ValidateTopologyName(const std::string& name) {
  if (name.empty()) throw InvalidTopologyError("the topology name is empty");
  for (char c : name) {
    if (c == '/' || c == '.' || c == ':' || c == '\\') {
      throw InvalidTopologyError("topology name '" + name +
                                 "' contains one of the characters / . : \\ that Storm forbids");
    }
  }
}

}  // namespace storm
