#include "ui/ui_api.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>
#include <vector>

#include "common/http/url.h"
#include "ui/ui_json.h"

namespace storm::ui {

namespace {

using http::Request;
using http::Response;

// A request the UI refuses before asking Nimbus: 400 or 404.
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, const std::string& message)
      : std::runtime_error(message), status(status) {}
  int status;
};

Response JsonReply(const Json& body) {
  return Response::Json(200, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

std::string WindowParam(const Request& request) {
  const std::string window = request.Param("window", ":all-time");
  if (!IsStormWindow(window)) {
    throw RequestError(400,
                       "window must be one of 600, 10800, 86400, :all-time (got '" + window + "')");
  }
  return window;
}

bool SysParam(const Request& request) {
  const std::string sys = request.Param("sys", "0");
  if (sys == "1" || sys == "true") return true;
  if (sys == "0" || sys == "false" || sys.empty()) return false;
  throw RequestError(400, "sys must be 1 or 0 (got '" + sys + "')");
}

// The sampling percentage of a debug operation: 0..100.
double SamplingPercent(const std::string& text) {
  size_t used = 0;
  double percent = -1;
  try {
    percent = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || !(percent >= 0 && percent <= 100)) {
    throw RequestError(400, "the sampling percentage must be a number within 0..100 (got '" +
                                text + "')");
  }
  return percent;
}

int WaitSecs(const std::string& text) {
  size_t used = 0;
  int secs = -1;
  try {
    secs = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || secs < 0) {
    throw RequestError(400,
                       "wait time must be a whole number of seconds >= 0 (got '" + text + "')");
  }
  return secs;
}

// The decoded '/'-separated segments of the path after `prefix`.
std::vector<std::string> Segments(const Request& request, const std::string& prefix) {
  std::vector<std::string> segments;
  std::stringstream rest(request.raw_path.substr(prefix.size()));
  std::string segment;
  while (std::getline(rest, segment, '/')) {
    auto decoded = http::UrlDecode(segment, false);
    if (!decoded) throw RequestError(400, "malformed path segment '" + segment + "'");
    segments.push_back(*decoded);
  }
  return segments;
}

gen::RebalanceOptions RebalanceOptionsFrom(const std::string& body, int wait_secs) {
  gen::RebalanceOptions options;
  options.__set_wait_secs(wait_secs);
  if (body.empty()) return options;
  const Json json = Json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw RequestError(400, "the rebalance body is not a JSON object");
  }
  if (!json.contains("rebalanceOptions")) return options;
  const Json& r = json["rebalanceOptions"];
  auto as_int = [](const Json& v, const std::string& what) {
    if (v.is_number_integer() && v.get<int64_t>() > 0) return v.get<int>();
    if (v.is_string()) {
      try {
        size_t used = 0;
        const int n = std::stoi(v.get<std::string>(), &used);
        if (used == v.get<std::string>().size() && n > 0) return n;
      } catch (const std::exception&) {
      }
    }
    throw RequestError(400, what + " must be a positive integer");
  };
  if (!r.is_object()) throw RequestError(400, "rebalanceOptions must be a JSON object");
  if (r.contains("numWorkers")) options.__set_num_workers(as_int(r["numWorkers"], "numWorkers"));
  if (r.contains("executors")) {
    if (!r["executors"].is_object()) throw RequestError(400, "executors must be a JSON object");
    std::map<std::string, int32_t> executors;
    for (const auto& [component, n] : r["executors"].items()) {
      executors[component] = as_int(n, "executors of " + component);
    }
    options.__set_num_executors(executors);
  }
  return options;
}

class UiApi {
 public:
  explicit UiApi(UiApiOptions options) : options_(std::move(options)) {
    if (!options_.now_secs) {
      options_.now_secs = [] {
        return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
      };
    }
  }

  // Runs `answer` with a Nimbus connection, turning failures into Storm's
  // error objects.
  Response WithNimbus(const std::function<Json(NimbusClient&)>& answer) const {
    try {
      auto nimbus = options_.connect();
      return JsonReply(answer(*nimbus));
    } catch (const RequestError& e) {
      return Response::Error(e.status, e.what());
    } catch (const gen::NotAliveException& e) {
      return Response::Error(404, e.msg);
    } catch (const gen::InvalidTopologyException& e) {
      return Response::Error(400, e.msg);
    } catch (const gen::AuthorizationException& e) {
      return Response::Error(403, e.msg);
    } catch (const NimbusUnreachableError& e) {
      return Response::Error(503, e.what());
    } catch (const std::exception& e) {
      return Response::Error(500, std::string("Nimbus failed: ") + e.what());
    }
  }

  JsonContext Context() const { return {options_.logviewer_port, options_.now_secs()}; }

  Response Topology(const Request& request) const {
    std::vector<std::string> path;
    try {
      path = Segments(request, "/api/v1/topology/");
    } catch (const RequestError& e) {
      return Response::Error(e.status, e.what());
    }
    if (path.size() == 1 && path[0] == "summary") {
      return WithNimbus([](NimbusClient& n) {
        gen::ClusterSummary cluster;
        n.Call([&](gen::NimbusClient& c) { c.getClusterInfo(cluster); });
        return TopologySummaryJson(cluster);
      });
    }
    if (path.size() == 1 && !path[0].empty()) return TopologyPage(request, path[0]);
    if (path.size() == 2 && path[1] == "visualization") return Visualization(request, path[0]);
    if (path.size() == 3 && path[1] == "component") return ComponentPage(request, path[0], path[2]);
    return Response::Error(404, "no such path: " + request.path);
  }

  Response TopologyPage(const Request& request, const std::string& id) const {
    return WithNimbus([&](NimbusClient& n) {
      const std::string window = WindowParam(request);
      const bool sys = SysParam(request);
      gen::TopologyPageInfo page;
      n.Call([&](gen::NimbusClient& c) { c.getTopologyPageInfo(page, id, window, sys); });
      return TopologyPageJson(page, window, Context());
    });
  }

  Response Visualization(const Request& request, const std::string& id) const {
    return WithNimbus([&](NimbusClient& n) {
      const std::string window = WindowParam(request);
      const bool sys = SysParam(request);
      gen::StormTopology topology;
      n.Call([&](gen::NimbusClient& c) { c.getTopology(topology, id); });
      gen::TopologyPageInfo page;
      n.Call([&](gen::NimbusClient& c) { c.getTopologyPageInfo(page, id, window, sys); });
      gen::TopologyInfo info;
      n.Call([&](gen::NimbusClient& c) { c.getTopologyInfo(info, id); });
      return VisualizationJson(topology, page, info, sys);
    });
  }

  Response ComponentPage(const Request& request, const std::string& id,
                         const std::string& component) const {
    return WithNimbus([&](NimbusClient& n) {
      const std::string window = WindowParam(request);
      const bool sys = SysParam(request);
      gen::StormTopology topology;
      n.Call([&](gen::NimbusClient& c) { c.getTopology(topology, id); });
      if (!topology.spouts.count(component) && !topology.bolts.count(component)) {
        throw RequestError(404, "topology " + id + " has no component '" + component + "'");
      }
      gen::ComponentPageInfo page;
      n.Call(
          [&](gen::NimbusClient& c) { c.getComponentPageInfo(page, id, component, window, sys); });
      return ComponentPageJson(page, window, Context());
    });
  }

  Response TopologyWorkers(const Request& request) const {
    const std::string id = request.path.substr(std::string("/api/v1/topology-workers/").size());
    return WithNimbus([&](NimbusClient& n) {
      gen::TopologyPageInfo page;
      n.Call([&](gen::NimbusClient& c) { c.getTopologyPageInfo(page, id, ":all-time", false); });
      return TopologyWorkersJson(page, Context());
    });
  }

  Response Supervisor(const Request& request) const {
    return WithNimbus([&](NimbusClient& n) {
      const std::string id = request.Param("id");
      const std::string host = request.Param("host");
      const bool sys = SysParam(request);
      if (id.empty() && host.empty()) throw RequestError(400, "give a supervisor id= or host=");
      gen::SupervisorPageInfo page;
      n.Call([&](gen::NimbusClient& c) { c.getSupervisorPageInfo(page, id, host, sys); });
      if (page.supervisor_summaries.empty()) {
        throw RequestError(404, id.empty() ? "no supervisor on host '" + host + "'"
                                           : "no supervisor with id '" + id + "'");
      }
      return SupervisorPageJson(page, Context());
    });
  }

  // POST /api/v1/topology/<id>/{activate, deactivate, rebalance/<wait>, kill/<wait>}.
  Response Operation(const Request& request) const {
    return WithNimbus([&](NimbusClient& n) {
      const auto path = Segments(request, "/api/v1/topology/");
      if (path.size() < 2) throw RequestError(404, "no such operation: " + request.path);
      const std::string& id = path[0];
      const std::string& op = path[1];
      if (op == "debug" || (path.size() > 3 && op == "component" && path[3] == "debug")) {
        return Debug(n, request, path);
      }
      const bool timed = op == "rebalance" || op == "kill";
      if (!(path.size() == 2 && (op == "activate" || op == "deactivate")) &&
          !(path.size() == 3 && timed)) {
        throw RequestError(404, "no such operation: " + request.path);
      }
      const int wait = timed ? WaitSecs(path[2]) : 0;
      const auto rebalance =
          op == "rebalance" ? RebalanceOptionsFrom(request.body, wait) : gen::RebalanceOptions();
      // Nimbus's operations take the topology's name, the UI's URLs its id.
      gen::TopologyInfo info;
      n.Call([&](gen::NimbusClient& c) { c.getTopologyInfo(info, id); });
      n.Call([&](gen::NimbusClient& c) {
        if (op == "activate") c.activate(info.name);
        if (op == "deactivate") c.deactivate(info.name);
        if (op == "rebalance") c.rebalance(info.name, rebalance);
        if (op == "kill") {
          gen::KillOptions kill;
          kill.__set_wait_secs(wait);
          c.killTopologyWithOpts(info.name, kill);
        }
      });
      spdlog::info("ui: {} {} ({})", op, id, info.name);
      return Json{{"topologyOperation", op}, {"topologyId", id}, {"status", "success"}};
    });
  }

  // POST /api/v1/topology/<id>/debug/<enable|disable>/<percent> and
  // /api/v1/topology/<id>/component/<component>/debug/<enable|disable>/<percent>:
  // Nimbus's debug switch (sampled emits go to events.log by each worker).
  static Json Debug(NimbusClient& n, const Request& request, const std::vector<std::string>& path) {
    const bool component_level = path[1] == "component";
    const size_t at = component_level ? 3 : 1;  // where "debug" is
    if (path.size() != at + 3 || (path[at + 1] != "enable" && path[at + 1] != "disable")) {
      throw RequestError(404, "no such operation: " + request.path +
                                  " (.../debug/<enable|disable>/<percent>)");
    }
    const std::string& id = path[0];
    const std::string component = component_level ? path[2] : "";
    const bool enable = path[at + 1] == "enable";
    const double percent = SamplingPercent(path[at + 2]);
    gen::TopologyInfo info;
    n.Call([&](gen::NimbusClient& c) { c.getTopologyInfo(info, id); });
    n.Call([&](gen::NimbusClient& c) { c.debug(info.name, component, enable, percent); });
    spdlog::info("ui: debug {} {}{} ({}%)", enable ? "on" : "off", id,
                 component.empty() ? "" : "/" + component, percent);
    Json reply{{"topologyOperation", "debug"}, {"topologyId", id}, {"status", "success"}};
    if (component_level) reply["componentId"] = component;
    return reply;
  }

  Response Cluster(const std::function<Json(const gen::ClusterSummary&)>& view) const {
    return WithNimbus([&](NimbusClient& n) {
      gen::ClusterSummary cluster;
      n.Call([&](gen::NimbusClient& c) { c.getClusterInfo(cluster); });
      return view(cluster);
    });
  }

  Response Configuration() const {
    return WithNimbus([](NimbusClient& n) {
      std::string conf;
      n.Call([&](gen::NimbusClient& c) { c.getNimbusConf(conf); });
      Json json = Json::parse(conf, nullptr, false);
      if (json.is_discarded()) throw StormError("Nimbus's configuration is not JSON");
      return json;
    });
  }

 private:
  UiApiOptions options_;
};

}  // namespace

namespace {

// Storm's JSONP: with ?callback=<name>, the JSON wrapped as `<name>(json);`.
// The name must be a JavaScript identifier path, never markup.
http::Handler WithJsonp(http::Handler handler) {
  return [handler = std::move(handler)](const Request& request) {
    if (!request.HasParam("callback")) return handler(request);
    const std::string callback = request.Param("callback");
    const bool valid = !callback.empty() && callback.size() <= 128 &&
                       callback.find_first_not_of(
                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                           "0123456789_$.") == std::string::npos;
    if (!valid) return Response::Error(400, "callback must be a JavaScript function name");
    Response response = handler(request);
    response.body = callback + "(" + response.body + ");";
    response.content_type = "application/javascript;charset=utf-8";
    return response;
  };
}

}  // namespace

void AddUiApiRoutes(http::Server& server, UiApiOptions options) {
  auto api = std::make_shared<const UiApi>(std::move(options));
  auto get = [&server](const std::string& path, http::Handler handler) {
    server.Handle("GET", path, WithJsonp(std::move(handler)));
  };
  auto get_under = [&server](const std::string& prefix, http::Handler handler) {
    server.HandlePrefix("GET", prefix, WithJsonp(std::move(handler)));
  };
  get("/api/v1/cluster/configuration", [api](const Request&) { return api->Configuration(); });
  get("/api/v1/cluster/summary", [api](const Request&) {
    return api->Cluster([](const gen::ClusterSummary& c) { return ClusterSummaryJson(c); });
  });
  get("/api/v1/nimbus/summary", [api](const Request&) {
    const JsonContext context = api->Context();
    return api->Cluster(
        [context](const gen::ClusterSummary& c) { return NimbusSummaryJson(c, context); });
  });
  get("/api/v1/supervisor/summary", [api](const Request&) {
    return api->Cluster([](const gen::ClusterSummary& c) { return SupervisorSummaryJson(c); });
  });
  get("/api/v1/supervisor", [api](const Request& r) { return api->Supervisor(r); });
  get_under("/api/v1/topology/", [api](const Request& r) { return api->Topology(r); });
  get_under("/api/v1/topology-workers/",
            [api](const Request& r) { return api->TopologyWorkers(r); });
  server.HandlePrefix("POST", "/api/v1/topology/",
                      [api](const Request& r) { return api->Operation(r); });
}

std::unique_ptr<NimbusClient> ConnectToLeader(const Config& conf) {
  return NimbusClient::Connect(conf, NimbusPick::kAny);
}

}  // namespace storm::ui
