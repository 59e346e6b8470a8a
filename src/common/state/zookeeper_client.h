// Helpers over the ZooKeeper C client (libzookeeper_mt) for
// ZooKeeperStorage: connect strings, paths, creating nodes with their
// parents, and the client's own log. Internal to src/common/state.
#pragma once

#include <zookeeper/zookeeper.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/state/zookeeper_options.h"

namespace storm::zk {

// First guess of a node's size; Get grows the buffer when a node is larger.
inline constexpr int kInitialReadBuffer = 16 * 1024;
// Bounds loops that race with other clients creating and deleting the node.
inline constexpr int kMaxRaceRounds = 100;

// "host:port,host:port" for the C client.
std::string ConnectString(const ZooKeeperOptions& options);

// Throws StateStorageError for a path ZooKeeper would refuse.
void CheckPath(const std::string& path);
// "" or "/a/b": a leading slash, no trailing one.
std::string NormalizeRoot(std::string root);
std::string Parent(const std::string& full);
std::string Child(const std::string& full, const std::string& name);

// The handle's session is over (ZINVALIDSTATE: the call was refused because
// the handle already knows).
inline bool IsSessionGone(int rc) { return rc == ZSESSIONEXPIRED || rc == ZINVALIDSTATE; }
inline bool IsConnectionProblem(int rc) {
  return rc == ZCONNECTIONLOSS || rc == ZOPERATIONTIMEOUT || IsSessionGone(rc);
}

// The C client's own log lines, at spdlog's debug level.
void ClientLog(const char* message);
// Sets the client's global log level, once (see the .cc).
void SetClientLogLevelOnce();
// A watcher for handles whose events nobody wants.
void IgnoreEvents(zhandle_t*, int, int, const char*, void*);

// Creates `full` and its missing ancestors as empty persistent nodes.
int MakePath(zhandle_t* zh, const std::string& full);
// One create, making missing parents first when needed. `created` (may be
// null) receives the created path, which differs for sequential nodes.
int CreateNode(zhandle_t* zh, const std::string& full, const std::string& data, int flags,
               std::string* created);

// Replaces another session's ephemeral node at `full` (whose version is
// `version`) with one of this session, in one transaction: readers never see
// the path missing in between. ZBADVERSION or ZNONODE when the node changed or
// went meanwhile.
int ReplaceEphemeral(zhandle_t* zh, const std::string& full, const std::string& data,
                     int version);
// The strings, freeing the client's vector.
std::vector<std::string> TakeStrings(String_vector& strings);
// A session id as ZooKeeper's logs show it: 0x...
std::string Hex(int64_t id);

}  // namespace storm::zk
