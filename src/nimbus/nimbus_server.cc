#include "nimbus/nimbus_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <chrono>
#include <exception>
#include <limits>
#include <thread>

#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>

#include "Nimbus.h"
#include "common/state/cluster_thrift.h"
#include "common/topology/topology_thrift.h"
#include "nimbus/page_thrift.h"
#include "sdk/config_json.h"

namespace storm {

namespace {

using apache::thrift::TConfiguration;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportFactory;

// Runs `body`, turning the library's errors into the Thrift exceptions the
// IDL declares for the call. Anything else propagates and reaches the client
// as a TApplicationException with its message.
template <class Body>
auto Translate(const char* call, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const NotAliveError& e) {
    gen::NotAliveException out;
    out.msg = e.what();
    throw out;
  } catch (const AlreadyAliveError& e) {
    gen::AlreadyAliveException out;
    out.msg = e.what();
    throw out;
  } catch (const InvalidTopologyError& e) {
    gen::InvalidTopologyException out;
    out.msg = e.what();
    throw out;
  } catch (const NotLeaderError& e) {
    // Not in the IDL (Storm's followers throw a RuntimeException too): the
    // client gets a TApplicationException with the message, which names the
    // leader; clients find it with getLeader beforehand.
    spdlog::info("nimbus: refused {}: {}", call, e.what());
    throw;
  } catch (const GuardLostError& e) {
    spdlog::warn("nimbus: {} refused: {}", call, e.what());
    throw std::runtime_error(std::string("not the leader: this Nimbus lost the leadership "
                                         "(its ZooKeeper session expired); nothing was written: ") +
                             e.what());
  } catch (const std::exception& e) {
    spdlog::warn("nimbus: {} failed: {}", call, e.what());
    throw;
  }
}

std::map<std::string, LogLevelChange> LogChangesFromThrift(const gen::LogConfig& config) {
  std::map<std::string, LogLevelChange> out;
  for (const auto& [logger, level] : config.named_logger_level) {
    LogLevelChange& c = out[logger];
    switch (level.action) {
      case gen::LogLevelAction::UPDATE:
        c.action = LogLevelChange::Action::kUpdate;
        break;
      case gen::LogLevelAction::REMOVE:
        c.action = LogLevelChange::Action::kRemove;
        break;
      default:
        c.action = LogLevelChange::Action::kUnchanged;
    }
    c.target_level = level.target_log_level;
    c.timeout_secs = level.__isset.reset_log_level_timeout_secs ? level.reset_log_level_timeout_secs : 0;
    if (level.__isset.reset_log_level) c.reset_level = level.reset_log_level;
  }
  return out;
}


class NimbusHandler final : public gen::NimbusIf {
 public:
  explicit NimbusHandler(Nimbus& nimbus) : nimbus_(nimbus) {}

  void submitTopology(const std::string& name, const std::string& location,
                      const std::string& json_conf, const gen::StormTopology& topology) override {
    gen::SubmitOptions options;
    options.initial_status = gen::TopologyInitialStatus::ACTIVE;
    submitTopologyWithOpts(name, location, json_conf, topology, options);
  }

  void submitTopologyWithOpts(const std::string& name, const std::string& location,
                              const std::string& json_conf, const gen::StormTopology& topology,
                              const gen::SubmitOptions& options) override {
    Translate("submitTopology", [&] {
      nlohmann::json conf = nlohmann::json::parse(json_conf.empty() ? "{}" : json_conf, nullptr, false);
      if (conf.is_discarded() || !conf.is_object()) {
        throw InvalidTopologyError("the topology's config is not a JSON object");
      }
      nimbus_.SubmitTopology(name, location, ConfigFromJson(std::move(conf)), TopologyFromThrift(topology),
                             options.initial_status != gen::TopologyInitialStatus::INACTIVE);
    });
  }

  void killTopology(const std::string& name) override {
    Translate("killTopology", [&] { nimbus_.KillTopology(name); });
  }

  void killTopologyWithOpts(const std::string& name, const gen::KillOptions& options) override {
    Translate("killTopology", [&] {
      nimbus_.KillTopology(name, options.__isset.wait_secs ? std::optional<int>(options.wait_secs)
                                                           : std::nullopt);
    });
  }

  void activate(const std::string& name) override {
    Translate("activate", [&] { nimbus_.Activate(name); });
  }

  void deactivate(const std::string& name) override {
    Translate("deactivate", [&] { nimbus_.Deactivate(name); });
  }

  void rebalance(const std::string& name, const gen::RebalanceOptions& options) override {
    Translate("rebalance", [&] {
      RebalanceRequest request;
      if (options.__isset.wait_secs) request.wait_secs = options.wait_secs;
      if (options.__isset.num_workers) request.num_workers = options.num_workers;
      request.num_executors = options.num_executors;
      nimbus_.Rebalance(name, request, options.__isset.wait_secs);
    });
  }

  void beginFileUpload(std::string& out) override {
    out = Translate("beginFileUpload", [&] { return nimbus_.BeginUpload(); });
  }

  void uploadChunk(const std::string& location, const std::string& chunk) override {
    Translate("uploadChunk", [&] { nimbus_.code_store().UploadChunk(location, chunk); });
  }

  void finishFileUpload(const std::string& location) override {
    Translate("finishFileUpload", [&] { nimbus_.code_store().FinishUpload(location); });
  }

  void beginFileDownload(std::string& out, const std::string& file) override {
    out = Translate("beginFileDownload", [&] { return nimbus_.code_store().BeginDownload(file); });
  }

  void downloadChunk(std::string& out, const std::string& id) override {
    out = Translate("downloadChunk", [&] { return nimbus_.code_store().DownloadChunk(id); });
  }

  void getNimbusConf(std::string& out) override { out = nimbus_.nimbus_conf().toJson(); }

  void getClusterInfo(gen::ClusterSummary& out) override {
    ClusterSummaryInfo info = Translate("getClusterInfo", [&] { return nimbus_.GetClusterInfo(); });
    for (const auto& s : info.supervisors) out.supervisors.push_back(SupervisorToThrift(s));
    for (const auto& t : info.topologies) out.topologies.push_back(SummaryToThrift(t));
    for (const auto& n : info.nimbuses) out.nimbuses.push_back(NimbusSummaryToThrift(n));
  }

  void getTopologySummaries(std::vector<gen::TopologySummary>& out) override {
    for (const auto& t : Translate("getTopologySummaries", [&] {
           return nimbus_.GetClusterInfo().topologies;
         })) {
      out.push_back(SummaryToThrift(t));
    }
  }

  void getTopologySummaryByName(gen::TopologySummary& out, const std::string& name) override {
    out = Translate("getTopologySummaryByName", [&] {
      return FindSummary([&](const TopologySummaryInfo& t) { return t.name == name; },
                         "no topology named '" + name + "' is alive");
    });
  }

  void getTopologySummary(gen::TopologySummary& out, const std::string& id) override {
    out = Translate("getTopologySummary", [&] {
      return FindSummary([&](const TopologySummaryInfo& t) { return t.id == id; },
                         "no topology with id '" + id + "' is alive");
    });
  }

  // The same summary as getClusterInfo's, uptime included. No leader (an
  // election under way) reaches the client as an error saying so.
  void getLeader(gen::NimbusSummary& out) override {
    out = NimbusSummaryToThrift(Translate("getLeader", [&] { return nimbus_.Leader(); }));
  }

  static gen::NimbusSummary NimbusSummaryToThrift(const NimbusInfo& n) {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    gen::NimbusSummary t;
    t.host = n.host;
    t.port = n.port;
    t.uptime_secs = static_cast<int32_t>(std::max<int64_t>(0, now - n.start_time_secs));
    t.isLeader = n.is_leader;
    t.version = n.version;
    return t;
  }

  bool isTopologyNameAllowed(const std::string& name) override {
    try {
      ValidateTopologyName(name);
      return !nimbus_.IdOfName(name).has_value();
    } catch (const InvalidTopologyError&) {
      return false;
    }
  }

  void getTopologyInfo(gen::TopologyInfo& out, const std::string& id) override {
    gen::GetInfoOptions options;
    options.__set_num_err_choice(gen::NumErrorsChoice::ALL);
    getTopologyInfoWithOpts(out, id, options);
  }

  void getTopologyInfoWithOpts(gen::TopologyInfo& out, const std::string& id,
                               const gen::GetInfoOptions& options) override {
    TopologyDetails d = Translate("getTopologyInfo", [&] { return nimbus_.GetTopologyInfo(id); });
    out.id = d.summary.id;
    out.name = d.summary.name;
    out.uptime_secs = static_cast<int32_t>(d.summary.uptime_secs);
    out.status = d.summary.status;
    out.__set_storm_version(STORM_VERSION);
    if (!d.summary.owner.empty()) out.__set_owner(d.summary.owner);
    for (const auto& e : d.executors) out.executors.push_back(ExecutorToThrift(e));
    const auto choice = options.__isset.num_err_choice ? options.num_err_choice
                                                       : gen::NumErrorsChoice::ALL;
    if (choice == gen::NumErrorsChoice::NONE) return;
    for (const auto& [component, errors] : d.errors) {
      auto& list = out.errors[component];
      for (const auto& e : errors) list.push_back(ErrorToThrift(e));
      if (choice == gen::NumErrorsChoice::ONE && list.size() > 1) {
        list.erase(list.begin(), list.end() - 1);  // the newest
      }
    }
  }

  void getTopologyInfoByName(gen::TopologyInfo& out, const std::string& name) override {
    gen::GetInfoOptions options;
    options.__set_num_err_choice(gen::NumErrorsChoice::ALL);
    getTopologyInfoByNameWithOpts(out, name, options);
  }

  void getTopologyInfoByNameWithOpts(gen::TopologyInfo& out, const std::string& name,
                                     const gen::GetInfoOptions& options) override {
    const auto id = Translate("getTopologyInfoByName", [&] {
      auto found = nimbus_.IdOfName(name);
      if (!found) throw NotAliveError("no topology named '" + name + "' is alive");
      return *found;
    });
    getTopologyInfoWithOpts(out, id, options);
  }

  void getTopologyPageInfo(gen::TopologyPageInfo& out, const std::string& id,
                           const std::string& window, bool include_sys) override {
    out = Translate("getTopologyPageInfo", [&] {
      return TopologyPageToThrift(nimbus_.GetTopologyPage(id, window, include_sys));
    });
  }
  void getSupervisorPageInfo(gen::SupervisorPageInfo& out, const std::string& id,
                             const std::string& host, bool include_sys) override {
    out = Translate("getSupervisorPageInfo", [&] {
      return SupervisorPageToThrift(nimbus_.GetSupervisorPage(id, host, include_sys));
    });
  }
  void getComponentPageInfo(gen::ComponentPageInfo& out, const std::string& id,
                            const std::string& component, const std::string& window,
                            bool include_sys) override {
    out = Translate("getComponentPageInfo", [&] {
      return ComponentPageToThrift(nimbus_.GetComponentPage(id, component, window, include_sys));
    });
  }

  void getTopologyHistory(gen::TopologyHistoryInfo& out, const std::string&) override {
    out.__set_topo_ids(Translate("getTopologyHistory", [&] { return nimbus_.TopologyHistory(); }));
  }
  void getOwnerResourceSummaries(std::vector<gen::OwnerResourceSummary>& out,
                                 const std::string& owner) override {
    for (const OwnerSummaryInfo& o : Translate("getOwnerResourceSummaries",
                                               [&] { return nimbus_.OwnerSummaries(owner); })) {
      gen::OwnerResourceSummary t;
      t.owner = o.owner;
      t.__set_total_topologies(o.total_topologies);
      t.__set_total_executors(o.total_executors);
      t.__set_total_workers(o.total_workers);
      t.__set_total_tasks(o.total_tasks);
      out.push_back(std::move(t));
    }
  }
  void setLogConfig(const std::string& id, const gen::LogConfig& config) override {
    Translate("setLogConfig", [&] { nimbus_.SetLogConfig(id, LogChangesFromThrift(config)); });
  }
  void getLogConfig(gen::LogConfig& out, const std::string& id) override {
    out = Translate("getLogConfig", [&] { return LogConfigToThrift(nimbus_.GetLogConfig(id)); });
  }
  void debug(const std::string& name, const std::string& component, bool enable,
             double sampling_pct) override {
    Translate("debug", [&] { nimbus_.Debug(name, component, enable, sampling_pct); });
  }

  void getTopologyConf(std::string& out, const std::string& id) override {
    out = Translate("getTopologyConf", [&] { return nimbus_.GetTopologyConf(id).toJson(); });
  }

  void getTopology(gen::StormTopology& out, const std::string& id) override {
    out = Translate("getTopology", [&] { return TopologyToThrift(nimbus_.GetTopology(id)); });
  }

  void getUserTopology(gen::StormTopology& out, const std::string& id) override {
    out = Translate("getUserTopology",
                    [&] { return TopologyToThrift(nimbus_.GetUserTopology(id)); });
  }

 private:
  template <class Pred>
  gen::TopologySummary FindSummary(Pred pred, const std::string& missing) {
    for (const auto& t : nimbus_.GetClusterInfo().topologies) {
      if (pred(t)) return SummaryToThrift(t);
    }
    throw NotAliveError(missing);
  }

  Nimbus& nimbus_;
};

// Thrift 0.17 counts a connection's bytes against maxMessageSize without
// resetting per frame, so that limit is set out of reach; the frame limit is
// what bounds a request.
constexpr int kMaxConnectionBytes = std::numeric_limits<int>::max();

// Framed transports whose frames may not pass the configured size.
class BoundedFramedTransportFactory final : public TTransportFactory {
 public:
  explicit BoundedFramedTransportFactory(int max_frame_bytes)
      : config_(std::make_shared<TConfiguration>(kMaxConnectionBytes, max_frame_bytes)) {}
  std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> trans) override {
    return std::make_shared<TFramedTransport>(trans, config_);
  }

 private:
  std::shared_ptr<TConfiguration> config_;
};

}  // namespace

void RouteThriftLoggingToSpdlog() {
  apache::thrift::GlobalOutput.setOutputFunction(
      [](const char* message) { spdlog::info("thrift: {}", message); });
}

NimbusServer::NimbusServer(Nimbus& nimbus, const Config& conf, std::string bind_host, int port)
    : nimbus_(nimbus),
      max_frame_bytes_(static_cast<int>(conf.getInt(Config::kNimbusThriftMaxBufferSize))),
      bind_host_(std::move(bind_host)),
      port_(port) {}

NimbusServer::~NimbusServer() { Stop(); }

void NimbusServer::Start(const std::function<void(int port)>& before_serving) {
  RouteThriftLoggingToSpdlog();
  using namespace apache::thrift;
  auto socket = std::make_shared<transport::TServerSocket>(bind_host_, port_.load());
  // A client that stops mid-frame holds its thread this long at most.
  socket->setRecvTimeout(120'000);
  // Shared with the serving thread, which outlives this call.
  struct StartState {
    std::atomic<bool> bound{false};
    std::atomic<bool> failed{false};
    std::string failure;               // written before `failed` is set
    std::exception_ptr before_serving;  // what before_serving threw, as it was
  };
  auto state = std::make_shared<StartState>();
  // Runs on the serving thread, inside serve(): an exception thrown here
  // leaves serve() before it accepts anyone.
  socket->setListenCallback([this, state, before_serving](THRIFT_SOCKET fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    }
    if (before_serving) {
      try {
        before_serving(port_.load());
      } catch (...) {
        state->before_serving = std::current_exception();
        throw;
      }
    }
    state->bound = true;
  });
  server_ = std::make_shared<server::TThreadedServer>(
      std::make_shared<gen::NimbusProcessor>(std::make_shared<NimbusHandler>(nimbus_)), socket,
      std::make_shared<BoundedFramedTransportFactory>(max_frame_bytes_),
      std::make_shared<protocol::TBinaryProtocolFactory>());
  const std::string where = bind_host_ + ":" + std::to_string(port_.load());
  thread_ = std::thread([server = server_, state, where] {
    try {
      server->serve();
    } catch (const std::exception& e) {
      if (!state->bound) {
        state->failure = "cannot listen on " + where + ": " + e.what();
        state->failed = true;
      } else {
        spdlog::error("nimbus: Thrift server stopped: {}", e.what());
      }
    }
  });
  while (!state->bound && !state->failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (state->failed) {
    thread_.join();
    server_.reset();
    if (state->before_serving) std::rethrow_exception(state->before_serving);
    throw StormError(state->failure);
  }
  spdlog::info("nimbus: serving Thrift on {}:{}", bind_host_, port_.load());
}

void NimbusServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace storm
