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

Value::Value(ValueList l) : type_(Type::kList) { list_ = new ValueList(std::move(l)); }

void Value::CopyList(const Value& other) {
  auto* copy = new ValueList(*other.list_);
  Reset();
  list_ = copy;
  type_ = Type::kList;
}

void Value::DeleteList() { delete list_; }

const ValueList& Value::asList() const {
  if (type_ != Type::kList) ThrowTypeMismatch(Type::kList);
  return *list_;
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kNull: return true;
    case Type::kBool: return b_ == other.b_;
    case Type::kInt: return i_ == other.i_;
    case Type::kDouble: return d_ == other.d_;
    case Type::kString:
    case Type::kBytes: return s_ == other.s_;
    case Type::kList: return *list_ == *other.list_;
  }
  return false;
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
    case Type::kBool: return b_ ? "true" : "false";
    case Type::kInt: return std::to_string(i_);
    case Type::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d_);
      return buf;
    }
    case Type::kString: return "\"" + s_ + "\"";
    case Type::kBytes: return "<" + std::to_string(s_.size()) + " bytes>";
    case Type::kList: return ListToString(*list_);
  }
  return "?";
}

std::string Values::toString() const { return ListToString(v_); }

}  // namespace storm
