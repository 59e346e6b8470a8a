// Ports for tests that need one nobody listens on. A test that needs a port
// to listen on binds port 0 and reads back the port bound (Transport::Bind
// returns it). Only a port another process must listen on (a ZooKeeper, a
// daemon, a supervisor's slots) is picked with FreePort, which another test
// running at the same time may take first.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace storm::testing {

// Binds a new TCP socket to a port of the loopback interface that the
// system picks; returns the socket and sets `port`. Throws naming `what`.
inline int BindLoopbackPort(int& port, const char* what) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::runtime_error(std::string(what) + ": " + std::strerror(error));
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// A port that was free a moment ago (bound to port 0, read, closed).
inline int FreePort() {
  int port = 0;
  ::close(BindLoopbackPort(port, "cannot find a free port"));
  return port;
}

// A loopback port held, without listening, for as long as the object lives:
// connecting to it is refused (a peer that is absent), and nobody else can
// bind it meanwhile. Release() lets go of it, for a test that binds it next
// (the peer coming up).
class RefusingPort {
 public:
  RefusingPort() : fd_(BindLoopbackPort(port_, "cannot bind a port")) {}
  ~RefusingPort() { Release(); }
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  void Release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int port_ = 0;  // before fd_: BindLoopbackPort sets it
  int fd_;
};

}  // namespace storm::testing
