#include "storm/value.h"

#include <cstdio>
#include <string>

#include "storm/errors.h"

namespace storm {

const char* Value::typeName(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBool: return "bool";
    case Type::kInt: return "int";
    case Type::kDouble: return "double";
    case Type::kString: return "string";
    case Type::kBytes: return "bytes";
    case Type::kList: return "list";
  }
  return "unknown";
}

void Value::ThrowTypeMismatch(Type wanted) const {
  throw StormError(std::string("value is ") + typeName(type()) + " " + toString() + ", not " +
                   typeName(wanted));
}

bool Value::asBool() const {
  if (type() != Type::kBool) ThrowTypeMismatch(Type::kBool);
  return std::get<bool>(v_);
}

int64_t Value::asInt() const {
  if (type() != Type::kInt) ThrowTypeMismatch(Type::kInt);
  return std::get<int64_t>(v_);
}

double Value::asDouble() const {
  if (type() == Type::kInt) return static_cast<double>(std::get<int64_t>(v_));
  if (type() != Type::kDouble) ThrowTypeMismatch(Type::kDouble);
  return std::get<double>(v_);
}

const std::string& Value::asString() const {
  if (type() != Type::kString) ThrowTypeMismatch(Type::kString);
  return std::get<std::string>(v_);
}

const std::string& Value::asBytes() const {
  if (type() != Type::kBytes) ThrowTypeMismatch(Type::kBytes);
  return std::get<Bytes>(v_).data;
}

const ValueList& Value::asList() const {
  if (type() != Type::kList) ThrowTypeMismatch(Type::kList);
  return std::get<ValueList>(v_);
}

namespace {

std::string ListToString(const std::vector<Value>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i].toString();
  }
  out += "]";
  return out;
}

}  // namespace

std::string Value::toString() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBool: return std::get<bool>(v_) ? "true" : "false";
    case Type::kInt: return std::to_string(std::get<int64_t>(v_));
    case Type::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(v_));
      return buf;
    }
    case Type::kString: return "\"" + std::get<std::string>(v_) + "\"";
    case Type::kBytes: return "<" + std::to_string(std::get<Bytes>(v_).data.size()) + " bytes>";
    case Type::kList: return ListToString(std::get<ValueList>(v_));
  }
  return "?";
}

std::string Values::toString() const { return ListToString(v_); }

}  // namespace storm
