// ZooKeeperStorage's hooks for tests: the current session's id, and a
// forced expiry as after a long network partition.
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <thread>

#include "common/state/zookeeper_client.h"
#include "common/state/zookeeper_session.h"
#include "common/state/zookeeper_storage.h"

namespace storm {

using zk::ClientLog;
using zk::IgnoreEvents;

int64_t ZooKeeperStorage::SessionIdForTest() { return CurrentSession()->id; }

void ZooKeeperStorage::ExpireSessionForTest() {
  // Taking the session over moves it to the second connection; our client
  // reconnects at once and may move it back before the second one's close
  // arrives, which the server then refuses ("session moved"). So try again
  // until the session really is replaced.
  const int64_t old_session = SessionIdForTest();
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::shared_ptr<Session> session = CurrentSession();
    clientid_t id = *zoo_client_id(session->handle);
    if (id.client_id != old_session) return;
    zhandle_t* other = zookeeper_init2(connect_string_.c_str(), &IgnoreEvents,
                                       options_.session_timeout_ms, &id, nullptr, 0, &ClientLog);
    if (other == nullptr) throw StateStorageError("ExpireSessionForTest: zookeeper_init failed");
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(options_.connection_timeout_ms);
    // The session can also expire while `other` connects (it then never
    // gets to CONNECTED): that is what was wanted.
    while (zoo_state(other) != ZOO_CONNECTED_STATE && std::chrono::steady_clock::now() < deadline &&
           SessionIdForTest() == old_session) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const bool connected = zoo_state(other) == ZOO_CONNECTED_STATE;
    zookeeper_close(other);  // closes the session, which `other` now holds
    if (!connected && SessionIdForTest() == old_session) continue;  // try again
    const auto replaced = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < replaced) {
      if (SessionIdForTest() != old_session) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  throw StateStorageError("ExpireSessionForTest: the session was not replaced after 5 attempts");
}

}  // namespace storm
