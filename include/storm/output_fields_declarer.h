// OutputFieldsDeclarer: where a component declares its output streams.
#pragma once

#include <map>
#include <string>

#include "storm/export.h"
#include "storm/fields.h"

namespace storm {

struct StreamDeclaration {
  Fields fields;
  bool direct = false;
};

class STORM_API OutputFieldsDeclarer {
 public:
  // Declares the default stream.
  void declare(const Fields& fields) { declareStream("default", false, fields); }
  void declare(bool direct, const Fields& fields) { declareStream("default", direct, fields); }
  void declareStream(const std::string& stream, const Fields& fields) {
    declareStream(stream, false, fields);
  }
  // Throws InvalidTopologyError when the stream is declared twice.
  void declareStream(const std::string& stream, bool direct, const Fields& fields);

  const std::map<std::string, StreamDeclaration>& streams() const { return streams_; }

 private:
  std::map<std::string, StreamDeclaration> streams_;
};

}  // namespace storm
