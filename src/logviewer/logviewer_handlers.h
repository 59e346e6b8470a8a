// The logviewer's HTTP API, Storm's routes and parameters:
//   GET /api/v1/log?file=<topology-id>/<port>/worker.log&start=&length=
//       a page of a worker log (HTML, as Storm's; `format=text` for the bytes
//       alone); by default the last 51200 bytes
//   GET /api/v1/daemonlog?file=nimbus.log&start=&length=   the same, daemon logs
//   GET /api/v1/download?file=...        the whole worker log, as an attachment
//   GET /api/v1/daemondownload?file=...  the whole daemon log
//   GET /api/v1/search?file=&search-string=&num-matches=&start-byte-offset=
//       [&is-daemon=yes]  Storm's JSON: searchString, startByteOffset,
//       matches[] {byteOffset, beforeString, afterString, matchString,
//       logviewerURL}, nextByteOffset when there are more
//   GET /api/v1/listLogs?topologyId=&port=   JSON array of worker log names
//   GET /api/v1/searchLogs?topoId=&port=     the same (Storm's deep-search list)
//   GET /api/v1/daemonLogs                   JSON array of daemon log names
// Errors are the JSON error object of the HTTP library: 400 for a bad
// parameter or a path leaving the log dir, 403 for a symlink out, 404 for a
// file that is not there.
//
// Thread safety: handlers only read files; any number may run at once.
#pragma once

#include <string>

#include "common/http/http_server.h"
#include "logviewer/log_files.h"

namespace storm {

class LogviewerHandlers {
 public:
  // `url_base` is how clients reach this logviewer ("http://host:8000"),
  // for the links in search results.
  LogviewerHandlers(LogFiles files, std::string url_base)
      : files_(std::move(files)), url_base_(std::move(url_base)) {}

  void Register(http::Server& server) const;

  http::Response Log(const http::Request& request, bool daemon) const;
  http::Response Download(const http::Request& request, bool daemon) const;
  http::Response Search(const http::Request& request) const;
  http::Response ListLogs(const http::Request& request) const;
  http::Response DaemonLogs(const http::Request& request) const;

 private:
  LogFiles files_;
  std::string url_base_;
};

}  // namespace storm
