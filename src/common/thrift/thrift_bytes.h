// Thrift structs to bytes and back with Thrift's binary protocol: the values
// of ZooKeeper nodes and of the code store's serialized topology.
#pragma once

#include <memory>
#include <string>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "storm/errors.h"

namespace storm {

template <class T>
std::string ThriftToBytes(const T& value) {
  auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
  apache::thrift::protocol::TBinaryProtocol protocol(buffer);
  value.write(&protocol);
  return buffer->getBufferAsString();
}

// Throws SerializationError naming `what` when the bytes are not a T.
template <class T>
T ThriftFromBytes(const std::string& bytes, const std::string& what) {
  using apache::thrift::transport::TMemoryBuffer;
  try {
    auto buffer = std::make_shared<TMemoryBuffer>(
        reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
        static_cast<uint32_t>(bytes.size()), TMemoryBuffer::OBSERVE);
    // Limits: a corrupt length must not make the reader allocate gigabytes.
    apache::thrift::protocol::TBinaryProtocol protocol(
        buffer, static_cast<int32_t>(bytes.size()), static_cast<int32_t>(bytes.size()), false,
        true);
    T value;
    value.read(&protocol);
    return value;
  } catch (const apache::thrift::TException& e) {
    throw SerializationError(what + " does not decode: " + e.what());
  }
}

}  // namespace storm
