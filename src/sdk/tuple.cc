#include "storm/tuple.h"

#include <string>

#include "sdk/tuple_access.h"
#include "storm/errors.h"

namespace storm {

namespace {
const Fields kNoFields;
const std::string kUnknown = "";
}  // namespace

void MessageId::putXor(uint64_t root, uint64_t edge) {
  for (auto& entry : anchors_) {
    if (entry.first == root) {
      entry.second ^= edge;
      return;
    }
  }
  anchors_.emplace_back(root, edge);
}

const Value& Tuple::getValue(size_t i) const {
  if (i >= values_.size()) {
    throw StormError("tuple from " + getSourceComponent() + ":" + getSourceStreamId() +
                     " has " + std::to_string(values_.size()) + " values, no index " +
                     std::to_string(i));
  }
  return values_[i];
}

const Value& Tuple::getValueByField(const std::string& field) const {
  int index = getFields().fieldIndex(field);
  if (index < 0) {
    throw StormError("tuple from " + getSourceComponent() + ":" + getSourceStreamId() +
                     " has no field '" + field + "' (fields " + getFields().toString() + ")");
  }
  return getValue(static_cast<size_t>(index));
}

const Fields& Tuple::getFields() const { return schema_ ? schema_->fields : kNoFields; }

const std::string& Tuple::getSourceComponent() const {
  return schema_ ? schema_->component : kUnknown;
}

const std::string& Tuple::getSourceStreamId() const {
  return schema_ ? schema_->stream : kUnknown;
}

bool Tuple::isTick() const {
  return schema_ && schema_->component == "__system" && schema_->stream == "__tick";
}

std::string Tuple::toString() const {
  return "source: " + getSourceComponent() + ":" + std::to_string(source_task_) +
         ", stream: " + getSourceStreamId() + ", " + values_.toString();
}

}  // namespace storm
