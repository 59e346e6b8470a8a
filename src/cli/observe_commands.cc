// The `storm` verbs that look inside a running topology, as Storm's:
// get-errors, monitor and set_log_level.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/client/nimbus_client.h"
#include "common/config/config_loader.h"
#include "common/util/logging.h"

namespace storm::cli {

namespace {

std::unique_ptr<NimbusClient> Connect(const GlobalOptions& global) {
  InitLogging("storm", global.LogLevelOr("warn"));
  return NimbusClient::Connect(LoadConfig(global.sources), NimbusPick::kAny);
}

gen::TopologyInfo InfoByName(NimbusClient& nimbus, const std::string& name,
                             gen::NumErrorsChoice::type errors) {
  gen::GetInfoOptions options;
  options.__set_num_err_choice(errors);
  gen::TopologyInfo info;
  nimbus.Call([&](gen::NimbusClient& c) { c.getTopologyInfoByNameWithOpts(info, name, options); });
  return info;
}

// ---- get-errors ----------------------------------------------------------------------

// As Storm's GetErrors: {"Topology Name": name, "Comp-Errors": {component:
// its last error}} for the components with errors; for a name no topology
// runs under, {"Failure": "No topologies running with name <name>"}, and
// success (scripts parse the JSON, not the status).
int GetErrors(const GlobalOptions& global, const std::string& name) {
  return Guard("get-errors", [&] {
    auto nimbus = Connect(global);
    gen::TopologyInfo info;
    try {
      info = InfoByName(*nimbus, name, gen::NumErrorsChoice::ONE);
    } catch (const gen::NotAliveException&) {
      const nlohmann::json out = {{"Failure", "No topologies running with name " + name}};
      std::printf("%s\n", out.dump().c_str());
      return 0;
    }
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& [component, list] : info.errors) {
      if (!list.empty()) errors[component] = list.back().error;
    }
    nlohmann::json out = {{"Topology Name", info.name}, {"Comp-Errors", errors}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
  });
}

// ---- monitor ---------------------------------------------------------------------------

struct MonitorOptions {
  std::string name;
  int interval_secs = 4;
  std::string component;
  std::string stream = "default";
  std::string watch = "emitted";
};

// The component's executors and its all-time count of `watch` on `stream`.
std::pair<int, int64_t> Watched(const gen::TopologyInfo& info, const MonitorOptions& o) {
  int executors = 0;
  int64_t total = 0;
  for (const auto& e : info.executors) {
    if (e.component_id != o.component) continue;
    ++executors;
    if (!e.__isset.stats) continue;
    const auto& by_window = o.watch == "emitted" ? e.stats.emitted : e.stats.transferred;
    auto window = by_window.find(":all-time");
    if (window == by_window.end()) continue;
    auto stream = window->second.find(o.stream);
    if (stream != window->second.end()) total += stream->second;
  }
  return {executors, total};
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// As Storm's Monitor: without -m, the components to pick from (a topology
// with one component is watched without asking).
int Monitor(const GlobalOptions& global, MonitorOptions o) {
  return Guard("monitor", [&] {
    auto nimbus = Connect(global);
    gen::TopologyInfo info = InfoByName(*nimbus, o.name, gen::NumErrorsChoice::NONE);
    std::set<std::string> components;
    for (const auto& e : info.executors) {
      if (e.component_id.rfind("__", 0) != 0) components.insert(e.component_id);
    }
    if (o.component.empty() && components.size() == 1) o.component = *components.begin();
    if (o.component.empty()) {
      std::printf("Available components for %s :\n------------------\n", o.name.c_str());
      for (const auto& c : components) std::printf("%s\n", c.c_str());
      std::printf("------------------\n");
      std::fflush(stdout);
      std::fprintf(stderr, "storm monitor: please use -m to choose one component\n");
      return 2;
    }
    auto [executors, last] = Watched(info, o);
    if (executors == 0) {
      std::fprintf(stderr, "storm monitor: topology %s has no component '%s'\n", o.name.c_str(),
                   o.component.c_str());
      return 1;
    }
    std::printf("topology\tcomponent\tparallelism\tstream\ttime-diff ms\t%s\tthroughput (Item/s)\n",
                o.watch.c_str());
    std::fflush(stdout);
    int64_t last_ms = NowMillis();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(o.interval_secs));
      info = InfoByName(*nimbus, o.name, gen::NumErrorsChoice::NONE);
      const auto [now_executors, total] = Watched(info, o);
      const int64_t now_ms = NowMillis();
      const int64_t diff_ms = now_ms - last_ms;
      const int64_t items = total - last;
      const double throughput =
          diff_ms > 0 ? static_cast<double>(items) * 1000.0 / static_cast<double>(diff_ms) : 0.0;
      std::printf("%s\t%s\t%d\t%s\t%lld\t%lld\t%.1f\n", o.name.c_str(), o.component.c_str(),
                  now_executors, o.stream.c_str(), static_cast<long long>(diff_ms),
                  static_cast<long long>(items), throughput);
      std::fflush(stdout);
      last = total;
      last_ms = now_ms;
    }
  });
}

// ---- set_log_level -----------------------------------------------------------------------

struct LogLevelOptions {
  std::string name;
  std::vector<std::string> levels;   // LOGGER=LEVEL[:TIMEOUT]
  std::vector<std::string> removes;  // LOGGER
};

const std::set<std::string>& KnownLevels() {
  static const std::set<std::string> levels = {"ALL",  "TRACE", "DEBUG", "INFO",
                                               "WARN", "ERROR", "FATAL", "OFF"};
  return levels;
}

// LOGGER=LEVEL[:TIMEOUT], as Storm's set_log_level -l; "" when it parses.
std::string ParseLevel(const std::string& text, std::string* logger, gen::LogLevel* level) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return "expected LOGGER=LEVEL[:TIMEOUT], got '" + text + "'";
  }
  std::string value = text.substr(equals + 1);
  int timeout = 0;
  const size_t colon = value.find(':');
  if (colon != std::string::npos) {
    std::string secs = value.substr(colon + 1);
    std::string error = WholeNumber(0)(secs);
    if (!error.empty()) return "timeout of " + text.substr(0, equals) + ": " + error;
    timeout = std::stoi(secs);
    value = value.substr(0, colon);
  }
  for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (KnownLevels().count(value) == 0) {
    return "unknown log level '" + value + "' (ALL, TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF)";
  }
  if (logger != nullptr) {
    *logger = text.substr(0, equals);
    level->__set_action(gen::LogLevelAction::UPDATE);
    level->__set_target_log_level(value);
    level->__set_reset_log_level_timeout_secs(timeout);
  }
  return "";
}

int SetLogLevel(const GlobalOptions& global, const LogLevelOptions& o) {
  if (o.levels.empty() && o.removes.empty()) {
    std::fprintf(stderr, "storm set_log_level: give -l LOGGER=LEVEL[:TIMEOUT] or -r LOGGER\n");
    return 2;
  }
  return Guard("set_log_level", [&] {
    auto nimbus = Connect(global);
    const gen::TopologyInfo info = InfoByName(*nimbus, o.name, gen::NumErrorsChoice::NONE);
    gen::LogConfig config;
    std::map<std::string, gen::LogLevel> loggers;
    for (const std::string& text : o.levels) {
      std::string logger;
      gen::LogLevel level;
      ParseLevel(text, &logger, &level);  // checked when parsed
      loggers[logger] = level;
    }
    for (const std::string& logger : o.removes) {
      gen::LogLevel level;
      level.__set_action(gen::LogLevelAction::REMOVE);
      loggers[logger] = level;
    }
    config.__set_named_logger_level(loggers);
    nimbus->Call([&](gen::NimbusClient& c) { c.setLogConfig(info.id, config); });
    std::printf("storm set_log_level: sent log config to topology %s (%s)\n", o.name.c_str(),
                info.id.c_str());
    return 0;
  });
}

void AddMonitorVerb(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto o = std::make_shared<MonitorOptions>();
  CLI::App* verb = AddVerb(
      storm, global, run, "monitor", "prints a component's throughput every few seconds",
      "storm monitor [OPTIONS] <topology-name>", [&global, o] { return Monitor(global, *o); });
  verb->add_option("topology-name", o->name, "the topology's name")->type_name("")->required();
  verb->add_option("-i,--interval", o->interval_secs, "seconds between polls (default 4)")
      ->type_name("SECS")
      ->check(WholeNumber(1));
  verb->add_option("-m,--component", o->component, "the component to watch")->type_name("ID");
  verb->add_option("-s,--stream", o->stream, "the stream to watch (default \"default\")")
      ->type_name("ID");
  verb->add_option("-w,--watch", o->watch, "emitted or transferred (default emitted)")
      ->type_name("ITEM")
      ->check(CLI::IsMember({"emitted", "transferred"}));
}

void AddSetLogLevelVerb(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto o = std::make_shared<LogLevelOptions>();
  CLI::App* verb = AddVerb(storm, global, run, "set_log_level",
                           "sets or removes log levels of a running topology's workers",
                           "storm set_log_level [OPTIONS] <topology-name>",
                           [&global, o] { return SetLogLevel(global, *o); });
  verb->add_option("topology-name", o->name, "the topology's name")->type_name("")->required();
  verb->add_option("-l", o->levels,
                   "sets LOGGER (ROOT: every logger) to LEVEL, back to INFO after TIMEOUT seconds "
                   "when given (repeatable)")
      ->type_name("LOGGER=LEVEL[:TIMEOUT]")
      ->check(CLI::Validator(
          [](std::string& text) { return ParseLevel(text, nullptr, nullptr); }, ""));
  verb->add_option("-r", o->removes, "removes the level set for LOGGER (repeatable)")
      ->type_name("LOGGER");
  verb->footer("As Storm's: storm set_log_level -l ROOT=DEBUG:30 -r com.example wc");
}

}  // namespace

void AddObserveCommands(CLI::App& storm, GlobalOptions& global, Command& run) {
  auto name = std::make_shared<std::string>();
  CLI::App* errors = AddVerb(storm, global, run, "get-errors",
                             "prints the last error of each component of the topology (JSON)",
                             "storm get-errors [OPTIONS] <topology-name>",
                             [&global, name] { return GetErrors(global, *name); });
  errors->add_option("topology-name", *name, "the topology's name")->type_name("")->required();
  AddMonitorVerb(storm, global, run);
  AddSetLogLevelVerb(storm, global, run);
}

}  // namespace storm::cli
