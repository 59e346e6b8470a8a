// Fields: the names of a stream's values, as declared in declareOutputFields.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include "storm/export.h"

namespace storm {

class STORM_API Fields {
 public:
  Fields() = default;
  Fields(std::initializer_list<std::string> names);
  explicit Fields(std::vector<std::string> names);

  size_t size() const { return names_.size(); }
  const std::string& get(size_t index) const { return names_.at(index); }
  const std::vector<std::string>& toList() const { return names_; }
  bool contains(const std::string& name) const { return fieldIndex(name) >= 0; }
  // The position of a field, or -1 when it is not one of these fields.
  int fieldIndex(const std::string& name) const;
  std::string toString() const;  // "[word, count]"

  bool operator==(const Fields& other) const { return names_ == other.names_; }

 private:
  std::vector<std::string> names_;
};

}  // namespace storm
