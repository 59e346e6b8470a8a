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

// The values of one tuple: a vector of Value that keeps its first few values
// inside itself, so that `emit(Values{word, count})` and a tuple's storage
// in a pooled batch allocate nothing for the usual few fields.
class STORM_API Values {
 public:
  using iterator = Value*;
  using const_iterator = const Value*;

  Values() = default;
  Values(std::initializer_list<Value> values) {
    reserve(values.size());
    for (const Value& v : values) new (data_ + size_++) Value(v);
  }
  explicit Values(const std::vector<Value>& values) {
    reserve(values.size());
    for (const Value& v : values) new (data_ + size_++) Value(v);
  }
  Values(const Values& other) : Values() { *this = other; }
  Values(Values&& other) noexcept : Values() { *this = std::move(other); }
  Values& operator=(const Values& other);
  Values& operator=(Values&& other) noexcept;
  ~Values();

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { resize(0); }
  void reserve(size_t n) {
    if (n > capacity_) Grow(n);
  }
  // Grows with null values or shrinks.
  void resize(size_t n);
  void push_back(const Value& v) { emplace_back(v); }
  void push_back(Value&& v) { emplace_back(std::move(v)); }
  template <typename... Args>
  Value& emplace_back(Args&&... args) {
    if (size_ == capacity_) Grow(capacity_ * 2);
    return *new (data_ + size_++) Value(std::forward<Args>(args)...);
  }
  Value& operator[](size_t i) { return data_[i]; }
  const Value& operator[](size_t i) const { return data_[i]; }
  const Value& at(size_t i) const;
  iterator begin() { return data_; }
  iterator end() { return data_ + size_; }
  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + size_; }
  void swap(Values& other) noexcept;

  std::string toString() const;  // "[a, 1, 2.5]"

  bool operator==(const Values& other) const;

 private:
  static constexpr size_t kInline = 4;  // values kept inside (part of the ABI)

  bool IsInline() const { return data_ == reinterpret_cast<const Value*>(inline_); }
  void Grow(size_t capacity);

  alignas(Value) unsigned char inline_[kInline * sizeof(Value)];
  Value* data_ = reinterpret_cast<Value*>(inline_);
  uint32_t size_ = 0;
  uint32_t capacity_ = kInline;
};

}  // namespace storm
