// TcpTransport: the Transport between worker processes (docs/architecture.md,
// "Inside a worker" and "Wire format"), over TCP with Boost.Asio. Endpoints
// are "host:port".
//
// Receiving (the worker receive side): Bind listens on the endpoint's port
// (on every interface; port 0: one the system picks, which Bind returns)
// and delivers the length-prefixed frames read from each accepted
// connection to the endpoint's FrameSink. A frame longer than
// kMaxFrameBytes, a frame of unknown type, or garbage closes that
// connection with a logged error; the worker keeps running. A sink that
// blocks stops the reading, so TCP's flow control slows the senders down:
// that is backpressure across workers.
//
// Sending (the worker send thread): Connect returns at once; the connection
// is made in the background, with a hello frame first and reconnects with
// exponential backoff (100 ms doubling up to 5 s) while the peer is away.
// Frames sent meanwhile are held, up to `max_held_bytes` per connection;
// past that Send blocks (backpressure, never a drop). Send returns false
// only after Connection::Close or when the transport is shut down.
//
// Threads: two Asio I/O threads of its own, one receiving (the worker receive
// thread: it calls the sinks, and may block there), one sending.
// Thread safety: every method may be called from any thread; one Connection
// is used by one sender at a time.
#pragma once

#include <memory>
#include <string>

#include "worker/transport.h"

namespace storm {

struct TcpTransportOptions {
  std::string topology_id;      // sent in the hello frame
  std::string local_endpoint;   // ours, sent in the hello frame
  size_t max_held_bytes = 8u << 20;
};

// Throws StormError when a port cannot be bound (Bind) or an endpoint is not
// "host:port" (Connect).
std::unique_ptr<Transport> MakeTcpTransport(TcpTransportOptions options);

}  // namespace storm
