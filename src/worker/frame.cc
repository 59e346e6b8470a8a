#include "worker/frame.h"

namespace storm {

namespace {
void PutHeader(std::vector<uint8_t>& buf, FrameType type) {
  buf.assign(kFrameHeaderBytes, 0);
  buf[4] = static_cast<uint8_t>(type);
}
void PatchLength(std::vector<uint8_t>& buf) {
  const auto n = static_cast<uint32_t>(buf.size() - 4);
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<uint8_t>(n >> (8 * i));
}
}  // namespace

std::vector<uint8_t> MakeHelloFrame(const std::string& topology_id, const std::string& endpoint) {
  std::vector<uint8_t> buf;
  PutHeader(buf, FrameType::kHello);
  ByteWriter w(buf);
  w.PutVarint(topology_id.size());
  w.PutBytes(topology_id.data(), topology_id.size());
  w.PutVarint(endpoint.size());
  w.PutBytes(endpoint.data(), endpoint.size());
  PatchLength(buf);
  return buf;
}

std::vector<uint8_t> MakeBackpressureFrame(bool on) {
  std::vector<uint8_t> buf;
  PutHeader(buf, FrameType::kBackpressure);
  buf.push_back(on ? 1 : 0);
  PatchLength(buf);
  return buf;
}

FrameType CheckFrame(const std::vector<uint8_t>& frame) {
  ByteReader r(frame.data(), frame.size());
  const uint32_t length = r.GetFixed32();
  if (length > kMaxFrameBytes) {
    throw SerializationError("frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                             std::to_string(kMaxFrameBytes));
  }
  if (length != r.remaining() || length < 1) {
    throw SerializationError("frame length field says " + std::to_string(length) + " bytes, " +
                             std::to_string(r.remaining()) + " follow");
  }
  const uint8_t type = r.GetU8();
  if (type < 1 || type > 3) throw SerializationError("unknown frame type " + std::to_string(type));
  return static_cast<FrameType>(type);
}

}  // namespace storm
