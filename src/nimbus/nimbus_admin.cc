// Nimbus's answers for set_log_level, debug, the topology history and the
// owners' summaries.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "nimbus/nimbus.h"
#include "sdk/topology_def.h"

namespace storm {

void Nimbus::SetLogConfig(const std::string& id,
                          const std::map<std::string, LogLevelChange>& changes) {
  std::lock_guard<std::mutex> lock(mutex_);
  RequireLeader();
  GetBase(id);
  LogConfig config = options_.state->GetLogConfig(id).value_or(LogConfig{});
  for (const auto& [logger, change] : changes) {
    if (logger.empty()) throw std::invalid_argument("set_log_level: a logger name is empty");
    switch (change.action) {
      case LogLevelChange::Action::kUnchanged:
        break;
      case LogLevelChange::Action::kRemove:
        config.loggers.erase(logger);
        break;
      case LogLevelChange::Action::kUpdate: {
        if (change.target_level.empty()) {
          throw std::invalid_argument("set_log_level: no level given for logger " + logger);
        }
        if (change.timeout_secs < 0) {
          throw std::invalid_argument("set_log_level: the timeout of logger " + logger +
                                      " is negative");
        }
        LoggerLevel level;
        level.target_level = change.target_level;
        level.reset_level = change.reset_level.empty() ? "INFO" : change.reset_level;
        level.reset_timeout_epoch_secs = change.timeout_secs > 0 ? NowSecs() + change.timeout_secs : 0;
        config.loggers[logger] = level;
        break;
      }
    }
  }
  Writes().SetLogConfig(id, config);
  spdlog::info("nimbus: log config of {} now sets {} loggers", id, config.loggers.size());
}

LogConfig Nimbus::GetLogConfig(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  GetBase(id);
  return options_.state->GetLogConfig(id).value_or(LogConfig{});
}

void Nimbus::Debug(const std::string& name, const std::string& component, bool enable,
                   double sampling_pct) {
  if (!(sampling_pct >= 0 && sampling_pct <= 100)) {
    throw std::invalid_argument("debug: samplingPercentage must be within 0..100, not " +
                                std::to_string(sampling_pct));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  RequireLeader();
  const std::string id = FindId(name);
  StormBase base = GetBase(id);
  if (!component.empty() && LayoutFor(id, base)->Component(component) == nullptr) {
    throw NotAliveError("topology '" + name + "' has no component '" + component + "'");
  }
  base.component_debug[component] = DebugOptions{enable, sampling_pct};
  Writes().SetStormBase(id, base);
  spdlog::info("nimbus: debug of {}{} {} ({}%)", name, component.empty() ? "" : "/" + component,
               enable ? "on" : "off", sampling_pct);
}

// ---- History ------------------------------------------------------------------------------

std::string Nimbus::HistoryPath() const {
  return options_.conf.getString(Config::kStormLocalDir) + "/nimbus/topology-history.json";
}

// As Storm's LSTopoHistory: {"topo_history": [{"topology_id", "time_stamp"}]}.
// A file that does not parse is started afresh (it is a convenience, not
// cluster state).
std::map<std::string, int64_t> Nimbus::ReadHistory() const {
  std::map<std::string, int64_t> out;
  std::ifstream in(HistoryPath());
  if (!in) return out;
  std::stringstream text;
  text << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("topo_history") ||
      !json["topo_history"].is_array()) {
    spdlog::warn("nimbus: {} is not a topology history; starting a new one", HistoryPath());
    return out;
  }
  for (const auto& entry : json["topo_history"]) {
    if (!entry.is_object() || !entry.contains("topology_id") || !entry.contains("time_stamp") ||
        !entry["topology_id"].is_string() || !entry["time_stamp"].is_number_integer()) {
      continue;
    }
    out[entry["topology_id"].get<std::string>()] = entry["time_stamp"].get<int64_t>();
  }
  return out;
}

void Nimbus::RecordRemoved(const std::string& id) {
  std::map<std::string, int64_t> history = ReadHistory();
  history[id] = NowSecs();
  const int64_t keep_secs = options_.conf.getInt(Config::kLogviewerCleanupAgeMins) * 60;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [topology, when] : history) {
    if (NowSecs() - when > keep_secs) continue;
    list.push_back({{"topology_id", topology}, {"time_stamp", when}});
  }
  const std::string path = HistoryPath();
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::json{{"topo_history", list}}.dump() << "\n";
    if (!out) {
      spdlog::warn("nimbus: cannot write {}; topology {} is left out of the history", tmp, id);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ignored);
}

std::vector<std::string> Nimbus::TopologyHistory() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::set<std::string> ids;
  for (const std::string& id : options_.state->ActiveStorms()) ids.insert(id);
  const int64_t keep_secs = options_.conf.getInt(Config::kLogviewerCleanupAgeMins) * 60;
  for (const auto& [id, when] : ReadHistory()) {
    if (NowSecs() - when <= keep_secs) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

std::vector<OwnerSummaryInfo> Nimbus::OwnerSummaries(const std::string& owner) {
  std::map<std::string, OwnerSummaryInfo> by_owner;
  for (const TopologySummaryInfo& t : GetClusterInfo().topologies) {
    if (!owner.empty() && t.owner != owner) continue;
    OwnerSummaryInfo& o = by_owner[t.owner];
    o.owner = t.owner;
    ++o.total_topologies;
    o.total_executors += t.num_executors;
    o.total_workers += t.num_workers;
    o.total_tasks += t.num_tasks;
  }
  std::vector<OwnerSummaryInfo> out;
  for (auto& [name, o] : by_owner) out.push_back(std::move(o));
  if (out.empty() && !owner.empty()) out.push_back(OwnerSummaryInfo{owner});
  return out;
}

}  // namespace storm
