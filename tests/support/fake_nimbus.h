// A fake Nimbus for tests of Nimbus's Thrift clients (storm-ui, the CLI):
// a stateful gen::NimbusIf that answers from what the test put in it and
// records the operations it was asked for, served by a real Thrift server
// (framed, binary, as Nimbus) on a loopback port the system picks.
//
// Thread safety: the test may change `state()` under `mutex()` while the
// server runs; handler calls take the same mutex.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "Nimbus.h"

namespace storm::testing {

struct FakeNimbusState {
  gen::ClusterSummary cluster;
  std::string nimbus_conf = "{}";
  std::map<std::string, gen::TopologyPageInfo> pages;  // by topology id
  std::map<std::string, gen::StormTopology> topologies;
  std::map<std::string, gen::TopologyInfo> infos;  // getTopologyInfo; else id, name, status of the page
  std::map<std::pair<std::string, std::string>, gen::ComponentPageInfo> components;
  std::map<std::string, gen::SupervisorPageInfo> supervisors;  // by supervisor id
  std::vector<std::string> operations;     // "activate wc", "kill wc 30", "rebalance wc 0 2"
  std::vector<std::string> windows_asked;  // the window of each page call
  int leader_port = 0;                     // getLeader names 127.0.0.1:<this>; 0: this fake itself
};

class FakeNimbusHandler : public gen::NimbusNull {
 public:
  FakeNimbusHandler(std::shared_ptr<FakeNimbusState> state, std::shared_ptr<std::mutex> mutex,
                    std::shared_ptr<std::atomic<int>> port)
      : state_(std::move(state)), mutex_(std::move(mutex)), port_(std::move(port)) {}

  void getClusterInfo(gen::ClusterSummary& out) override {
    std::lock_guard lock(*mutex_);
    out = state_->cluster;
  }
  void getNimbusConf(std::string& out) override {
    std::lock_guard lock(*mutex_);
    out = state_->nimbus_conf;
  }
  void getLeader(gen::NimbusSummary& out) override {
    std::lock_guard lock(*mutex_);
    out.host = "127.0.0.1";
    out.port = state_->leader_port != 0 ? state_->leader_port : port_->load();
    out.isLeader = true;
    out.version = "fake";
  }
  void getTopologyPageInfo(gen::TopologyPageInfo& out, const std::string& id,
                           const std::string& window, bool) override {
    std::lock_guard lock(*mutex_);
    state_->windows_asked.push_back(window);
    out = Find(state_->pages, id);
  }
  void getTopology(gen::StormTopology& out, const std::string& id) override {
    std::lock_guard lock(*mutex_);
    out = Find(state_->topologies, id);
  }
  void getComponentPageInfo(gen::ComponentPageInfo& out, const std::string& id,
                            const std::string& component, const std::string& window,
                            bool) override {
    std::lock_guard lock(*mutex_);
    state_->windows_asked.push_back(window);
    auto it = state_->components.find({id, component});
    if (it == state_->components.end()) NotAlive(id);
    out = it->second;
  }
  void getSupervisorPageInfo(gen::SupervisorPageInfo& out, const std::string& id,
                             const std::string& host, bool) override {
    std::lock_guard lock(*mutex_);
    if (!id.empty()) {
      auto it = state_->supervisors.find(id);
      if (it == state_->supervisors.end()) NotAlive(id);
      out = it->second;
      return;
    }
    for (const auto& [sid, page] : state_->supervisors) {
      for (const auto& s : page.supervisor_summaries) {
        if (s.host == host) out = page;
      }
    }
  }
  void getTopologyInfo(gen::TopologyInfo& out, const std::string& id) override {
    std::lock_guard lock(*mutex_);
    const gen::TopologyPageInfo& page = Find(state_->pages, id);
    if (auto it = state_->infos.find(id); it != state_->infos.end()) {
      out = it->second;
      return;
    }
    out.id = page.id;
    out.name = page.name;
    out.status = page.status;
  }
  void activate(const std::string& name) override { Record("activate " + Live(name)); }
  void debug(const std::string& name, const std::string& component, bool enable,
             double percent) override {
    Record("debug " + Live(name) + (component.empty() ? "" : "/" + component) +
           (enable ? " on " : " off ") + std::to_string(static_cast<int>(percent)));
  }
  void deactivate(const std::string& name) override { Record("deactivate " + Live(name)); }
  void killTopologyWithOpts(const std::string& name, const gen::KillOptions& options) override {
    Record("kill " + Live(name) + " " + std::to_string(options.wait_secs));
  }
  void rebalance(const std::string& name, const gen::RebalanceOptions& options) override {
    std::string op = "rebalance " + Live(name) + " " + std::to_string(options.wait_secs);
    if (options.__isset.num_workers) op += " workers=" + std::to_string(options.num_workers);
    for (const auto& [component, n] : options.num_executors) {
      op += " " + component + "=" + std::to_string(n);
    }
    Record(op);
  }

 private:
  [[noreturn]] static void NotAlive(const std::string& id) {
    gen::NotAliveException e;
    e.msg = id + " is not alive";
    throw e;
  }
  template <class Map>
  static const typename Map::mapped_type& Find(const Map& map, const std::string& id) {
    auto it = map.find(id);
    if (it == map.end()) NotAlive(id);
    return it->second;
  }
  std::string Live(const std::string& name) {
    std::lock_guard lock(*mutex_);
    for (const auto& [id, page] : state_->pages) {
      if (page.name == name) return name;
    }
    NotAlive(name);
  }
  void Record(const std::string& operation) {
    std::lock_guard lock(*mutex_);
    state_->operations.push_back(operation);
  }

  std::shared_ptr<FakeNimbusState> state_;
  std::shared_ptr<std::mutex> mutex_;
  std::shared_ptr<std::atomic<int>> port_;
};

class FakeNimbus {
 public:
  FakeNimbus() {
    using namespace apache::thrift;
    auto socket = std::make_shared<transport::TServerSocket>("127.0.0.1", 0);
    auto port = port_;
    socket->setListenCallback([port](THRIFT_SOCKET fd) {
      sockaddr_in addr{};
      socklen_t len = sizeof addr;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
      port->store(ntohs(addr.sin_port));
    });
    server_ = std::make_shared<server::TThreadedServer>(
        std::make_shared<gen::NimbusProcessor>(
            std::make_shared<FakeNimbusHandler>(state_, mutex_, port_)),
        socket, std::make_shared<transport::TFramedTransportFactory>(),
        std::make_shared<protocol::TBinaryProtocolFactory>());
    thread_ = std::thread([server = server_] { server->serve(); });
    while (port_->load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeNimbus() {
    server_->stop();
    thread_.join();
  }
  FakeNimbus(const FakeNimbus&) = delete;
  FakeNimbus& operator=(const FakeNimbus&) = delete;

  int port() const { return port_->load(); }
  std::mutex& mutex() { return *mutex_; }
  FakeNimbusState& state() { return *state_; }  // under mutex() while serving

 private:
  std::shared_ptr<FakeNimbusState> state_ = std::make_shared<FakeNimbusState>();
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
  std::shared_ptr<std::atomic<int>> port_ = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<apache::thrift::server::TThreadedServer> server_;
  std::thread thread_;
};

}  // namespace storm::testing
