#include "logviewer/logviewer_handlers.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "common/http/url.h"
#include "logviewer/log_reader.h"

namespace storm {

namespace {

using http::Request;
using http::Response;

// A parameter that must be a whole number in [min, max] when present.
class BadParam : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

std::optional<int64_t> IntParam(const Request& request, const std::string& name, int64_t min,
                                int64_t max) {
  if (!request.HasParam(name)) return std::nullopt;
  const std::string text = request.Param(name);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw BadParam("'" + name + "' must be a whole number from " + std::to_string(min) + " to " +
                   std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

std::string Json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Storm's log page: the text, and links to the page before, after, and the
// whole file.
std::string LogPageHtml(const std::string& route, const std::string& file, const LogPage& page,
                        int64_t length) {
  const std::string base = route + "?file=" + http::UrlEncode(file);
  const std::string download =
      (route == "/api/v1/log" ? "/api/v1/download" : "/api/v1/daemondownload") +
      std::string("?file=") + http::UrlEncode(file);
  std::string nav;
  if (page.start > 0) {
    const int64_t prev = std::max<int64_t>(0, page.start - length);
    nav += "<a href=\"" + base + "&start=" + std::to_string(prev) +
           "&length=" + std::to_string(length) + "\">Prev</a> ";
  }
  nav += "<a href=\"" + base + "&start=0&length=" + std::to_string(length) + "\">First</a> ";
  nav += "<a href=\"" + base + "&length=" + std::to_string(length) + "\">Last</a> ";
  const int64_t next = page.start + static_cast<int64_t>(page.text.size());
  if (next < page.file_size) {
    nav += "<a href=\"" + base + "&start=" + std::to_string(next) +
           "&length=" + std::to_string(length) + "\">Next</a> ";
  }
  nav += "<a href=\"" + download + "\">Download Full File</a>";
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(file) +
         "</title></head><body><h3>" + HtmlEscape(file) + "</h3><p>bytes " +
         std::to_string(page.start) + "-" + std::to_string(next) + " of " +
         std::to_string(page.file_size) + "</p><div>" + nav + "</div><pre id=\"logContent\">" +
         HtmlEscape(page.text) + "</pre><div>" + nav + "</div></body></html>";
}

}  // namespace

void LogviewerHandlers::Register(http::Server& server) const {
  server.Handle("GET", "/api/v1/log", [this](const Request& r) { return Log(r, false); });
  server.Handle("GET", "/api/v1/daemonlog", [this](const Request& r) { return Log(r, true); });
  server.Handle("GET", "/api/v1/download", [this](const Request& r) { return Download(r, false); });
  server.Handle("GET", "/api/v1/daemondownload",
                [this](const Request& r) { return Download(r, true); });
  server.Handle("GET", "/api/v1/search", [this](const Request& r) { return Search(r); });
  server.Handle("GET", "/api/v1/listLogs", [this](const Request& r) { return ListLogs(r); });
  server.Handle("GET", "/api/v1/searchLogs", [this](const Request& r) { return ListLogs(r); });
  server.Handle("GET", "/api/v1/daemonLogs", [this](const Request& r) { return DaemonLogs(r); });
}

Response LogviewerHandlers::Log(const Request& request, bool daemon) const {
  const std::string file = request.Param("file");
  const ResolvedFile resolved =
      daemon ? files_.ResolveDaemonLog(file) : files_.ResolveWorkerLog(file);
  if (!resolved.ok()) return Response::Error(resolved.status, resolved.error);
  try {
    const std::optional<int64_t> start = IntParam(request, "start", 0, INT64_MAX);
    const int64_t length =
        IntParam(request, "length", 1, 10 * kDefaultPageBytes).value_or(kDefaultPageBytes);
    const LogPage page = ReadLogPage(resolved.path, start, length);
    if (request.Param("format") == "text") return Response::Text(200, page.text);
    Response response = Response::Text(200, "");
    response.content_type = "text/html; charset=utf-8";
    response.body = LogPageHtml(daemon ? "/api/v1/daemonlog" : "/api/v1/log", file, page, length);
    return response;
  } catch (const BadParam& e) {
    return Response::Error(400, e.what());
  }
}

Response LogviewerHandlers::Download(const Request& request, bool daemon) const {
  const std::string file = request.Param("file");
  const ResolvedFile resolved =
      daemon ? files_.ResolveDaemonLog(file) : files_.ResolveWorkerLog(file);
  if (!resolved.ok()) return Response::Error(resolved.status, resolved.error);
  // Whole files in memory: worker logs rotate at worker.log.rotation.size.mb.
  const LogPage page = ReadLogPage(resolved.path, 0, INT64_MAX / 2);
  Response response = Response::Text(200, page.text);
  response.content_type = "application/octet-stream";
  const std::string name = file.substr(file.find_last_of('/') + 1);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return response;
}

Response LogviewerHandlers::Search(const Request& request) const {
  const std::string file = request.Param("file");
  const bool daemon = request.Param("is-daemon") == "yes";
  const ResolvedFile resolved =
      daemon ? files_.ResolveDaemonLog(file) : files_.ResolveWorkerLog(file);
  if (!resolved.ok()) return Response::Error(resolved.status, resolved.error);
  const std::string needle = request.Param("search-string");
  if (needle.empty()) return Response::Error(400, "the parameter 'search-string' is missing");
  if (needle.size() > kMaxSearchBytes) {
    return Response::Error(
        400, "'search-string' is longer than " + std::to_string(kMaxSearchBytes) + " bytes");
  }
  try {
    const int num = static_cast<int>(IntParam(request, "num-matches", 1, 1000).value_or(10));
    const int64_t offset = IntParam(request, "start-byte-offset", 0, INT64_MAX).value_or(0);
    const LogSearchResult result = SearchLog(resolved.path, needle, num, offset);
    const std::string route = daemon ? "/api/v1/daemonlog" : "/api/v1/log";
    nlohmann::json matches = nlohmann::json::array();
    for (const LogMatch& m : result.matches) {
      const int64_t page_start = std::max<int64_t>(0, m.byte_offset - kDefaultPageBytes / 2);
      matches.push_back({{"byteOffset", m.byte_offset},
                         {"beforeString", m.before},
                         {"afterString", m.after},
                         {"matchString", m.match},
                         {"logviewerURL", url_base_ + route + "?file=" + http::UrlEncode(file) +
                                              "&start=" + std::to_string(page_start) +
                                              "&length=" + std::to_string(kDefaultPageBytes)}});
    }
    nlohmann::json body = {{"isDaemon", daemon ? "yes" : "no"},
                           {"searchString", needle},
                           {"startByteOffset", offset},
                           {"matches", matches}};
    if (result.next_byte_offset >= 0) body["nextByteOffset"] = result.next_byte_offset;
    return Response::Json(200, Json(body));
  } catch (const BadParam& e) {
    return Response::Error(400, e.what());
  }
}

Response LogviewerHandlers::ListLogs(const Request& request) const {
  std::optional<std::string> topology;
  for (const char* name : {"topologyId", "topoId"}) {
    if (!request.Param(name).empty()) topology = request.Param(name);
  }
  try {
    std::optional<int> port;
    if (!request.Param("port").empty())
      port = static_cast<int>(*IntParam(request, "port", 1, 65535));
    return Response::Json(200, Json(files_.ListWorkerLogs(topology, port)));
  } catch (const BadParam& e) {
    return Response::Error(400, e.what());
  }
}

Response LogviewerHandlers::DaemonLogs(const Request&) const {
  return Response::Json(200, Json(files_.ListDaemonLogs()));
}

}  // namespace storm
