#include "storm/value.h"

#include <cstdio>
#include <algorithm>
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
    // Appended, not `"\"" + s_`: GCC 12 warns falsely (-Wrestrict, bug
    // 105651) on `const char* + std::string` in optimised builds.
    case Type::kString: return std::string(1, '"').append(s_).append(1, '"');
    case Type::kBytes: return std::string(1, '<').append(std::to_string(s_.size())) + " bytes>";
    case Type::kList: return ListToString(*list_);
  }
  return "?";
}

std::string Values::toString() const {
  std::string out = "[";
  for (size_t i = 0; i < size_; ++i) {
    if (i > 0) out += ", ";
    out += data_[i].toString();
  }
  return out + "]";
}

Values& Values::operator=(const Values& other) {
  if (this == &other) return *this;
  reserve(other.size_);
  // Assign over the values already here: their strings keep their buffers.
  const size_t common = std::min<size_t>(size_, other.size_);
  for (size_t i = 0; i < common; ++i) data_[i] = other.data_[i];
  for (size_t i = common; i < other.size_; ++i) new (data_ + i) Value(other.data_[i]);
  for (size_t i = other.size_; i < size_; ++i) data_[i].~Value();
  size_ = other.size_;
  return *this;
}

Values& Values::operator=(Values&& other) noexcept {
  if (this == &other) return *this;
  if (!other.IsInline()) {
    // Take the other's heap storage whole.
    clear();
    if (!IsInline()) ::operator delete(data_);
    data_ = other.data_;
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.data_ = reinterpret_cast<Value*>(other.inline_);
    other.size_ = 0;
    other.capacity_ = kInline;
    return *this;
  }
  const size_t common = std::min<size_t>(size_, other.size_);
  for (size_t i = 0; i < common; ++i) data_[i] = std::move(other.data_[i]);
  for (size_t i = common; i < other.size_; ++i) new (data_ + i) Value(std::move(other.data_[i]));
  for (size_t i = other.size_; i < size_; ++i) data_[i].~Value();
  size_ = other.size_;
  other.clear();
  return *this;
}

Values::~Values() {
  clear();
  if (!IsInline()) ::operator delete(data_);
}

void Values::resize(size_t n) {
  reserve(n);
  for (size_t i = size_; i < n; ++i) new (data_ + i) Value();
  for (size_t i = n; i < size_; ++i) data_[i].~Value();
  size_ = static_cast<uint32_t>(n);
}

const Value& Values::at(size_t i) const {
  if (i >= size_) {
    throw StormError("index " + std::to_string(i) + " out of range of " + std::to_string(size_) +
                     " values");
  }
  return data_[i];
}

void Values::swap(Values& other) noexcept {
  Values tmp(std::move(other));
  other = std::move(*this);
  *this = std::move(tmp);
}

bool Values::operator==(const Values& other) const {
  if (size_ != other.size_) return false;
  for (size_t i = 0; i < size_; ++i) {
    if (data_[i] != other.data_[i]) return false;
  }
  return true;
}

void Values::Grow(size_t capacity) {
  capacity = std::max<size_t>(capacity, kInline);
  auto* data = static_cast<Value*>(::operator new(capacity * sizeof(Value)));
  for (size_t i = 0; i < size_; ++i) {
    new (data + i) Value(std::move(data_[i]));
    data_[i].~Value();
  }
  if (!IsInline()) ::operator delete(data_);
  data_ = data;
  capacity_ = static_cast<uint32_t>(capacity);
}

}  // namespace storm
