#include "common/state/zookeeper_client.h"

#include <mutex>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/state/state_storage.h"

namespace storm::zk {

std::string ConnectString(const ZooKeeperOptions& options) {
  std::string hosts;
  for (const std::string& server : options.servers) {
    if (!hosts.empty()) hosts += ',';
    hosts += server.find(':') == std::string::npos
                 ? server + ":" + std::to_string(options.port)
                 : server;
  }
  return hosts;
}

void CheckPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/') ||
      path.find("//") != std::string::npos) {
    throw StateStorageError("invalid node path '" + path + "'");
  }
}

std::string NormalizeRoot(std::string root) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  if (root.empty()) return root;
  if (root[0] != '/') root.insert(root.begin(), '/');
  CheckPath(root);
  return root;
}

std::string Parent(const std::string& full) {
  const size_t slash = full.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : full.substr(0, slash);
}

std::string Child(const std::string& full, const std::string& name) {
  return full == "/" ? "/" + name : full + "/" + name;
}

// The C client's own log lines (connection refused during an outage, ...):
// our own log says what matters, so theirs are debug detail.
void ClientLog(const char* message) {
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  spdlog::debug("zookeeper client: {}", text);
}

// The client's log level is global, set once by the first Connect: its
// errors when our log shows debug lines, else nothing at all. Off is better
// than filtered: the client formats the server's address for an error line
// into one static buffer, which two handles' I/O threads then race on
// (ThreadSanitizer sees it when two storages lose ZooKeeper at once).
void SetClientLogLevelOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    zoo_set_debug_level(spdlog::should_log(spdlog::level::debug) ? ZOO_LOG_LEVEL_ERROR
                                                                  : static_cast<ZooLogLevel>(0));
  });
}

void IgnoreEvents(zhandle_t*, int, int, const char*, void*) {}

int MakePath(zhandle_t* zh, const std::string& full) {
  if (full == "/") return ZOK;
  int rc = zoo_create(zh, full.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  if (rc == ZNONODE) {
    rc = MakePath(zh, Parent(full));
    if (rc == ZOK) rc = zoo_create(zh, full.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  }
  return rc == ZNODEEXISTS ? ZOK : rc;
}

int CreateNode(zhandle_t* zh, const std::string& full, const std::string& data, int flags,
               std::string* created) {
  std::vector<char> name(full.size() + 32);
  const auto create = [&] {
    return zoo_create(zh, full.c_str(), data.data(), static_cast<int>(data.size()),
                      &ZOO_OPEN_ACL_UNSAFE, flags, name.data(), static_cast<int>(name.size()));
  };
  int rc = create();
  if (rc == ZNONODE) {
    rc = MakePath(zh, Parent(full));
    if (rc == ZOK) rc = create();
  }
  if (rc == ZOK && created != nullptr) *created = name.data();
  return rc;
}

int ReplaceEphemeral(zhandle_t* zh, const std::string& full, const std::string& data,
                     int version) {
  zoo_op_t ops[2];
  zoo_op_result_t results[2];
  zoo_delete_op_init(&ops[0], full.c_str(), version);
  zoo_create_op_init(&ops[1], full.c_str(), data.data(), static_cast<int>(data.size()),
                     &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL, nullptr, 0);
  return zoo_multi(zh, 2, ops, results);
}

std::vector<std::string> TakeStrings(String_vector& strings) {
  std::vector<std::string> out(strings.data, strings.data + strings.count);
  deallocate_String_vector(&strings);
  return out;
}

std::string Hex(int64_t id) { return fmt::format("0x{:x}", static_cast<uint64_t>(id)); }

}  // namespace storm::zk
