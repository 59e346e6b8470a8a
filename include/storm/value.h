// Value and Values: the fields of a tuple.
//
// A Value is one of: null, bool, int64, double, string (UTF-8 text), bytes
// (opaque binary) or a list of Values. Integers of every width are stored as
// int64, floats as double, as Storm's serializer would round-trip them.
// Values is an ordered list of Value, the `Values` a spout or bolt emits.
//
// Thread safety: values are plain data; share by copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "storm/export.h"

namespace storm {

class Value;

// Opaque binary data, kept apart from text so that it round-trips as bytes.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

using ValueList = std::vector<Value>;

class STORM_API Value {
 public:
  enum class Type : uint8_t { kNull = 0, kBool, kInt, kDouble, kString, kBytes, kList };

  Value() = default;
  Value(std::nullptr_t) {}  // NOLINT(google-explicit-constructor)
  Value(bool b) : v_(b) {}  // NOLINT
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) : v_(static_cast<int64_t>(i)) {}  // NOLINT
  Value(double d) : v_(d) {}                    // NOLINT
  Value(float f) : v_(static_cast<double>(f)) {}  // NOLINT
  Value(const char* s) : v_(std::string(s)) {}   // NOLINT
  Value(std::string s) : v_(std::move(s)) {}     // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}  // NOLINT
  Value(Bytes b) : v_(std::move(b)) {}               // NOLINT
  Value(ValueList l) : v_(std::move(l)) {}           // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool isNull() const { return type() == Type::kNull; }
  bool isInt() const { return type() == Type::kInt; }
  bool isString() const { return type() == Type::kString; }

  // Typed access. Each throws StormError naming both types on a mismatch.
  bool asBool() const;
  int64_t asInt() const;
  double asDouble() const;  // an int is widened
  const std::string& asString() const;
  const std::string& asBytes() const;
  const ValueList& asList() const;

  // Human-readable form, as topology.debug logs it: strings quoted.
  std::string toString() const;

  bool operator==(const Value& other) const { return v_ == other.v_; }
  bool operator!=(const Value& other) const { return !(*this == other); }

  static const char* typeName(Type type);

 private:
  [[noreturn]] void ThrowTypeMismatch(Type wanted) const;

  std::variant<std::monostate, bool, int64_t, double, std::string, Bytes, ValueList> v_;
};

// The values of one tuple. A small vector-like class of its own (rather than
// a std::vector alias) so that its storage can be pooled by the runtime.
class STORM_API Values {
 public:
  using iterator = std::vector<Value>::iterator;
  using const_iterator = std::vector<Value>::const_iterator;

  Values() = default;
  Values(std::initializer_list<Value> values) : v_(values) {}
  explicit Values(std::vector<Value> values) : v_(std::move(values)) {}

  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  void clear() { v_.clear(); }
  void reserve(size_t n) { v_.reserve(n); }
  void push_back(Value v) { v_.push_back(std::move(v)); }
  template <typename... Args>
  Value& emplace_back(Args&&... args) {
    return v_.emplace_back(std::forward<Args>(args)...);
  }
  Value& operator[](size_t i) { return v_[i]; }
  const Value& operator[](size_t i) const { return v_[i]; }
  const Value& at(size_t i) const { return v_.at(i); }
  iterator begin() { return v_.begin(); }
  iterator end() { return v_.end(); }
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  void swap(Values& other) noexcept { v_.swap(other.v_); }
  std::vector<Value>& vector() { return v_; }
  const std::vector<Value>& vector() const { return v_; }

  std::string toString() const;  // "[a, 1, 2.5]"

  bool operator==(const Values& other) const { return v_ == other.v_; }

 private:
  std::vector<Value> v_;
};

}  // namespace storm
