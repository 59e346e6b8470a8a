// A canned cluster for storm-ui's tests: one Nimbus, one supervisor, and the
// word-count topology "wc" (spout -> split -> count, plus the acker) with
// stats in every window and a last error on split.
#pragma once

#include <memory>

#include "Nimbus.h"
#include "common/client/nimbus_client.h"
#include "common/config/config_loader.h"
#include "support/fake_nimbus.h"
#include "ui/ui_server.h"

namespace storm::testing {

inline constexpr const char* kTopologyId = "wc-1-1700000000";
inline constexpr const char* kSupervisorId = "sup-1";
inline constexpr int64_t kNow = 1700001000;

inline gen::ComponentAggregateStats SpoutStats(int64_t emitted, double complete_ms) {
  gen::ComponentAggregateStats s;
  s.__set_type(gen::ComponentType::SPOUT);
  s.common_stats.__set_num_executors(2);
  s.common_stats.__set_num_tasks(2);
  s.common_stats.__set_emitted(emitted);
  s.common_stats.__set_transferred(emitted);
  s.common_stats.__set_acked(emitted - 5);
  s.common_stats.__set_failed(5);
  s.__isset.common_stats = true;
  gen::SpoutAggregateStats spout;
  spout.__set_complete_latency_ms(complete_ms);
  s.specific_stats.__set_spout(spout);
  s.__isset.specific_stats = true;
  return s;
}

inline gen::ComponentAggregateStats BoltStats(int64_t executed, double capacity) {
  gen::ComponentAggregateStats s;
  s.__set_type(gen::ComponentType::BOLT);
  s.common_stats.__set_num_executors(3);
  s.common_stats.__set_num_tasks(6);
  s.common_stats.__set_emitted(executed * 2);
  s.common_stats.__set_transferred(executed * 2);
  s.common_stats.__set_acked(executed);
  s.common_stats.__set_failed(0);
  s.__isset.common_stats = true;
  gen::BoltAggregateStats bolt;
  bolt.__set_execute_latency_ms(0.048);
  bolt.__set_process_latency_ms(2.1123);
  bolt.__set_executed(executed);
  bolt.__set_capacity(capacity);
  s.specific_stats.__set_bolt(bolt);
  s.__isset.specific_stats = true;
  return s;
}

inline gen::WorkerSummary Worker(int port) {
  gen::WorkerSummary w;
  w.__set_supervisor_id(kSupervisorId);
  w.__set_host("node1");
  w.__set_port(port);
  w.__set_topology_id(kTopologyId);
  w.__set_topology_name("wc");
  w.__set_num_executors(4);
  w.__set_component_to_num_tasks({{"spout", 1}, {"split", 3}});
  w.__set_uptime_secs(358);
  return w;
}

inline gen::ComponentCommon Common(std::map<gen::GlobalStreamId, gen::Grouping> inputs) {
  gen::ComponentCommon common;
  common.inputs = std::move(inputs);
  return common;
}

inline gen::GlobalStreamId Stream(const std::string& component, const std::string& stream) {
  gen::GlobalStreamId id;
  id.componentId = component;
  id.streamId = stream;
  return id;
}

inline void FillCluster(FakeNimbusState& s) {
  gen::NimbusSummary nimbus;
  nimbus.host = "127.0.0.1";
  nimbus.port = 6627;
  nimbus.uptime_secs = 213;
  nimbus.isLeader = true;
  nimbus.version = "0.1.0";
  s.cluster.nimbuses = {nimbus};
  gen::SupervisorSummary sup;
  sup.host = "node1";
  sup.supervisor_id = kSupervisorId;
  sup.uptime_secs = 3725;
  sup.num_workers = 4;
  sup.num_used_workers = 2;
  s.cluster.supervisors = {sup};
  gen::TopologySummary t;
  t.id = kTopologyId;
  t.name = "wc";
  t.status = "ACTIVE";
  t.uptime_secs = 1759;
  t.num_tasks = 12;
  t.num_executors = 8;
  t.num_workers = 2;
  s.cluster.topologies = {t};
  s.nimbus_conf = R"({"nimbus.seeds": ["127.0.0.1"], "ui.port": 8080})";

  gen::TopologyPageInfo page;
  page.id = kTopologyId;
  page.__set_name("wc");
  page.__set_status("ACTIVE");
  page.__set_uptime_secs(1759);
  page.__set_num_tasks(12);
  page.__set_num_workers(2);
  page.__set_num_executors(8);
  page.__set_topology_conf(R"({"topology.message.timeout.secs": 30, "topology.workers": 2})");
  gen::TopologyStats stats;
  for (const char* w : {"600", "10800", "86400", ":all-time"}) {
    stats.window_to_emitted[w] = 397960;
    stats.window_to_transferred[w] = 213380;
    stats.window_to_complete_latencies_ms[w] = 12.5;
    stats.window_to_acked[w] = 213460;
    stats.window_to_failed[w] = 3;
  }
  stats.__isset.window_to_emitted = stats.__isset.window_to_transferred = true;
  stats.__isset.window_to_complete_latencies_ms = stats.__isset.window_to_acked = true;
  stats.__isset.window_to_failed = true;
  page.__set_topology_stats(stats);
  page.__set_id_to_spout_agg_stats({{"spout", SpoutStats(28880, 12.5)}});
  auto split = BoltStats(28780, 0.75);
  gen::ErrorInfo error;
  error.error = "std::runtime_error: bad sentence";
  error.error_time_secs = static_cast<int32_t>(kNow - 65);
  error.__set_host("node1");
  error.__set_port(6701);
  split.__set_last_error(error);
  page.__set_id_to_bolt_agg_stats({{"split", split}, {"count", BoltStats(184620, 0.003)}});
  page.__set_workers({Worker(6701), Worker(6702)});
  s.pages[kTopologyId] = page;

  gen::StormTopology topology;
  gen::Grouping shuffle;
  shuffle.__set_shuffle(gen::NullStruct());
  gen::Grouping fields;
  fields.__set_fields({"word"});
  topology.spouts["spout"].common = Common({});
  topology.bolts["split"].common = Common({{Stream("spout", "default"), shuffle}});
  topology.bolts["count"].common = Common({{Stream("split", "default"), fields}});
  topology.bolts["__acker"].common = Common({{Stream("spout", "__ack_init"), fields}});
  s.topologies[kTopologyId] = topology;

  // Two executors of count, with the tuples they executed from split.
  gen::TopologyInfo info;
  info.id = kTopologyId;
  info.name = "wc";
  info.status = "ACTIVE";
  for (auto [all_time, recent] : {std::pair<int64_t, int64_t>{5000, 1200}, {3000, 600}}) {
    gen::ExecutorSummary e;
    e.component_id = "count";
    gen::BoltStats bolt;
    bolt.executed = {{":all-time", {{Stream("split", "default"), all_time}}},
                     {"600", {{Stream("split", "default"), recent}}}};
    e.stats.specific.__set_bolt(bolt);
    e.__isset.stats = true;
    info.executors.push_back(e);
  }
  s.infos[kTopologyId] = info;

  gen::ComponentPageInfo component;
  component.component_id = "split";
  component.component_type = gen::ComponentType::BOLT;
  component.__set_topology_id(kTopologyId);
  component.__set_topology_name("wc");
  component.__set_num_executors(3);
  component.__set_num_tasks(6);
  component.__set_topology_status("ACTIVE");
  component.__set_window_to_stats({{"600", BoltStats(100, 0.5)}, {":all-time", split}});
  component.__set_gsid_to_input_stats({{Stream("spout", "default"), split}});
  component.__set_sid_to_output_stats({{"default", split}});
  gen::ExecutorAggregateStats executor;
  executor.exec_summary.executor_info.task_start = 3;
  executor.exec_summary.executor_info.task_end = 4;
  executor.exec_summary.component_id = "split";
  executor.exec_summary.host = "node1";
  executor.exec_summary.port = 6701;
  executor.exec_summary.uptime_secs = 2584;
  executor.__isset.exec_summary = true;
  executor.__set_stats(BoltStats(9000, 0.25));
  component.__set_exec_stats({executor});
  component.__set_errors({error});
  s.components[{kTopologyId, "split"}] = component;

  gen::SupervisorPageInfo sup_page;
  sup_page.__set_supervisor_summaries({sup});
  sup_page.__set_worker_summaries({Worker(6701), Worker(6702)});
  s.supervisors[kSupervisorId] = sup_page;
}

// A UI on a free port, asking `nimbus`, at the canned time.
inline std::unique_ptr<ui::UiServer> StartUi(const FakeNimbus& nimbus) {
  ui::UiServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.api.logviewer_port = 8000;
  options.api.now_secs = [] { return kNow; };
  Config conf = DefaultConfig();
  conf.put(Config::kNimbusSeeds, std::vector<std::string>{"127.0.0.1"});
  conf.put(Config::kNimbusThriftPort, nimbus.port());
  options.api.connect = [conf] { return ui::ConnectToLeader(conf); };
  auto server = std::make_unique<ui::UiServer>(std::move(options));
  server->Start();
  return server;
}

}  // namespace storm::testing
