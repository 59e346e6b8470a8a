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
#include <new>
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

  Value() : type_(Type::kNull) { i_ = 0; }
  Value(std::nullptr_t) : Value() {}  // NOLINT(google-explicit-constructor)
  Value(bool b) : type_(Type::kBool) { b_ = b; }  // NOLINT
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Value(T i) : type_(Type::kInt) {  // NOLINT
    i_ = static_cast<int64_t>(i);
  }
  Value(double d) : type_(Type::kDouble) { d_ = d; }                     // NOLINT
  Value(float f) : type_(Type::kDouble) { d_ = static_cast<double>(f); }  // NOLINT
  Value(const char* s) : type_(Type::kString) { new (&s_) std::string(s); }  // NOLINT
  Value(std::string s) : type_(Type::kString) { new (&s_) std::string(std::move(s)); }  // NOLINT
  Value(std::string_view s) : type_(Type::kString) { new (&s_) std::string(s); }  // NOLINT
  Value(Bytes b) : type_(Type::kBytes) { new (&s_) std::string(std::move(b.data)); }  // NOLINT
  Value(ValueList l);  // NOLINT

  Value(const Value& other) : type_(Type::kNull) { CopyFrom(other); }
  Value(Value&& other) noexcept : type_(Type::kNull) { MoveFrom(std::move(other)); }
  Value& operator=(const Value& other) {
    if (this != &other) CopyFrom(other);
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) MoveFrom(std::move(other));
    return *this;
  }
  ~Value() { Reset(); }

  Type type() const { return type_; }
  bool isNull() const { return type_ == Type::kNull; }
  bool isInt() const { return type_ == Type::kInt; }
  bool isString() const { return type_ == Type::kString; }

  // Typed access. Each throws StormError naming both types on a mismatch.
  bool asBool() const {
    if (type_ != Type::kBool) ThrowTypeMismatch(Type::kBool);
    return b_;
  }
  int64_t asInt() const {
    if (type_ != Type::kInt) ThrowTypeMismatch(Type::kInt);
    return i_;
  }
  // An int is widened.
  double asDouble() const {
    if (type_ == Type::kInt) return static_cast<double>(i_);
    if (type_ != Type::kDouble) ThrowTypeMismatch(Type::kDouble);
    return d_;
  }
  const std::string& asString() const {
    if (type_ != Type::kString) ThrowTypeMismatch(Type::kString);
    return s_;
  }
  const std::string& asBytes() const {
    if (type_ != Type::kBytes) ThrowTypeMismatch(Type::kBytes);
    return s_;
  }
  const ValueList& asList() const;

  // Human-readable form, as topology.debug logs it: strings quoted.
  std::string toString() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  static const char* typeName(Type type);

 private:
  // A hand-made tagged union rather than std::variant: copying a scalar
  // into a pooled tuple slot is a plain store, and a string into a string
  // reuses its buffer, with no visitor dispatch on the hot path.
  static bool IsText(Type t) { return t == Type::kString || t == Type::kBytes; }
  void Reset() {
    if (IsText(type_)) {
      s_.~basic_string();
    } else if (type_ == Type::kList) {
      DeleteList();
    }
    type_ = Type::kNull;
  }
  void CopyFrom(const Value& other) {
    if (IsText(other.type_)) {
      if (IsText(type_)) {
        s_ = other.s_;  // reuses this string's buffer
      } else {
        Reset();
        new (&s_) std::string(other.s_);
      }
      type_ = other.type_;
    } else if (other.type_ == Type::kList) {
      CopyList(other);
    } else {
      Reset();
      i_ = other.i_;  // bool, int, double: the 8 bytes of the union
      type_ = other.type_;
    }
  }
  void MoveFrom(Value&& other) {
    if (IsText(other.type_)) {
      if (IsText(type_)) {
        s_ = std::move(other.s_);
      } else {
        Reset();
        new (&s_) std::string(std::move(other.s_));
      }
      type_ = other.type_;
    } else {
      Reset();
      i_ = other.i_;  // scalars, or the list pointer, which is handed over
      list_ = other.list_;
      type_ = other.type_;
      if (type_ == Type::kList) other.type_ = Type::kNull;
    }
  }
  void CopyList(const Value& other);
  void DeleteList();
  [[noreturn]] void ThrowTypeMismatch(Type wanted) const;

  union {
    bool b_;
    int64_t i_;
    double d_;
    std::string s_;    // kString and kBytes
    ValueList* list_;  // kList, owned
  };
  Type type_;
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
