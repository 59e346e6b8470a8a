// TopologyBuilder: declares spouts and bolts and how they are connected, as
// Apache Storm's TopologyBuilder.
//
//   storm::TopologyBuilder builder;
//   builder.setSpout("sentences", std::make_shared<SentenceSpout>(), 2);
//   builder.setBolt("split", std::make_shared<SplitBolt>(), 4).shuffleGrouping("sentences");
//   builder.setBolt("count", std::make_shared<CountBolt>(), 4)
//       .fieldsGrouping("split", storm::Fields{"word"});
//
// Each task gets a copy of the object passed in (its class must be copy
// constructible); or pass a factory that makes a fresh object per task.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>

#include "storm/basic_bolt_executor.h"
#include "storm/component.h"
#include "storm/config.h"
#include "storm/export.h"
#include "storm/topology.h"

namespace storm {

struct ComponentDef;         // the runtime's (opaque to users)
enum class GroupingKind : int;

namespace detail {
STORM_API std::string DemangledName(const std::type_info& type);
STORM_API void SetNumTasks(ComponentDef& def, int tasks);
STORM_API Config& ComponentConf(ComponentDef& def);
}  // namespace detail

// Common to spout and bolt declarers.
template <typename Self>
class ComponentDeclarer {
 public:
  explicit ComponentDeclarer(ComponentDef& def) : def_(def) {}
  // Number of tasks (Storm's setNumTasks); at least the parallelism.
  Self& setNumTasks(int tasks) {
    detail::SetNumTasks(def_, tasks);
    return self();
  }
  template <typename T>
  Self& addConfiguration(const std::string& key, T&& value) {
    detail::ComponentConf(def_).put(key, std::forward<T>(value));
    return self();
  }
  Self& setDebug(bool debug) { return addConfiguration(Config::kTopologyDebug, debug); }
  Self& setMaxSpoutPending(int64_t max) {
    return addConfiguration(Config::kTopologyMaxSpoutPending, max);
  }

 protected:
  Self& self() { return static_cast<Self&>(*this); }
  ComponentDef& def_;
};

class STORM_API SpoutDeclarer : public ComponentDeclarer<SpoutDeclarer> {
 public:
  using ComponentDeclarer::ComponentDeclarer;
};

class STORM_API BoltDeclarer : public ComponentDeclarer<BoltDeclarer> {
 public:
  using ComponentDeclarer::ComponentDeclarer;

  BoltDeclarer& shuffleGrouping(const std::string& component,
                                const std::string& stream = kDefaultStreamId);
  BoltDeclarer& fieldsGrouping(const std::string& component, const Fields& fields);
  BoltDeclarer& fieldsGrouping(const std::string& component, const std::string& stream,
                               const Fields& fields);
  BoltDeclarer& allGrouping(const std::string& component,
                            const std::string& stream = kDefaultStreamId);
  BoltDeclarer& globalGrouping(const std::string& component,
                               const std::string& stream = kDefaultStreamId);
  BoltDeclarer& noneGrouping(const std::string& component,
                             const std::string& stream = kDefaultStreamId);
  BoltDeclarer& directGrouping(const std::string& component,
                               const std::string& stream = kDefaultStreamId);
  BoltDeclarer& localOrShuffleGrouping(const std::string& component,
                                       const std::string& stream = kDefaultStreamId);

 private:
  BoltDeclarer& Add(const std::string& component, const std::string& stream, GroupingKind kind,
                    const Fields* fields);
};

class STORM_API TopologyBuilder {
 public:
  TopologyBuilder();
  ~TopologyBuilder();
  TopologyBuilder(const TopologyBuilder&) = delete;
  TopologyBuilder& operator=(const TopologyBuilder&) = delete;

  template <typename T, std::enable_if_t<std::is_base_of_v<ISpout, T>, int> = 0>
  SpoutDeclarer& setSpout(const std::string& id, std::shared_ptr<T> spout, int parallelism = 1) {
    return setSpout(
        id, [spout]() -> std::unique_ptr<ISpout> { return std::make_unique<T>(*spout); },
        parallelism, detail::DemangledName(typeid(T)));
  }
  SpoutDeclarer& setSpout(const std::string& id, SpoutFactory factory, int parallelism = 1,
                          const std::string& class_name = "");

  template <typename T, std::enable_if_t<std::is_base_of_v<IBolt, T>, int> = 0>
  BoltDeclarer& setBolt(const std::string& id, std::shared_ptr<T> bolt, int parallelism = 1) {
    return setBolt(
        id, [bolt]() -> std::unique_ptr<IBolt> { return std::make_unique<T>(*bolt); },
        parallelism, detail::DemangledName(typeid(T)));
  }
  template <typename T, std::enable_if_t<std::is_base_of_v<IBasicBolt, T>, int> = 0>
  BoltDeclarer& setBolt(const std::string& id, std::shared_ptr<T> bolt, int parallelism = 1) {
    return setBolt(
        id,
        [bolt]() -> std::unique_ptr<IBolt> {
          return std::make_unique<BasicBoltExecutor>(std::make_unique<T>(*bolt));
        },
        parallelism, detail::DemangledName(typeid(T)));
  }
  BoltDeclarer& setBolt(const std::string& id, BoltFactory factory, int parallelism = 1,
                        const std::string& class_name = "");

  // Declares each component's streams (by asking one instance) and returns
  // the topology. Everything else (connections, parallelism) is checked by
  // ValidateTopology when the topology is submitted, as Nimbus does.
  StormTopology createTopology();

 private:
  ComponentDef& NewComponent(const std::string& id, int parallelism);

  StormTopology topology_;
  std::vector<std::unique_ptr<SpoutDeclarer>> spout_declarers_;
  std::vector<std::unique_ptr<BoltDeclarer>> bolt_declarers_;
};

// Checks that every input names a known component and a declared stream,
// that fields groupings name declared fields, that direct groupings
// subscribe to direct streams, and that parallelism and tasks are >= 1.
// Throws InvalidTopologyError with a one-line reason.
STORM_API void ValidateTopology(const StormTopology& topology);

}  // namespace storm
