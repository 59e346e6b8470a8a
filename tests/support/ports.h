// Ports for tests that need one nobody listens on. A test that needs a port
// to listen on binds port 0 and reads back the port bound (Transport::Bind
// returns it); it never picks a "free" port itself, which another test
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

// A loopback port held, without listening, for as long as the object lives:
// connecting to it is refused (a peer that is absent), and nobody else can
// bind it meanwhile. Release() lets go of it, for a test that binds it next
// (the peer coming up).
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error(std::string("cannot bind a port: ") + std::strerror(error));
    }
    port_ = ntohs(addr.sin_port);
  }
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
  int fd_;
  int port_ = 0;
};

}  // namespace storm::testing
