#include "storm/fields.h"

#include <utility>

namespace storm {

Fields::Fields(std::initializer_list<std::string> names) : names_(names) {}

Fields::Fields(std::vector<std::string> names) : names_(std::move(names)) {}

int Fields::fieldIndex(const std::string& name) const {
  // Linear: tuples have few fields, and this beats a hash map for them.
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Fields::toString() const {
  std::string out = "[";
  for (size_t i = 0; i < names_.size(); ++i) {
    if (i > 0) out += ", ";
    out += names_[i];
  }
  return out + "]";
}

}  // namespace storm
