#include "worker/grouping.h"

#include <algorithm>
#include <bit>
#include <random>

#include "storm/errors.h"

namespace storm {

namespace {

// FNV-1a over bytes, then a final avalanche (splitmix64's), so that nearby
// inputs land on different tasks.
uint64_t Mix(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

uint64_t HashBytes(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t HashValue(uint64_t h, const Value& v) {
  const auto tag = static_cast<unsigned char>(v.type());
  h = HashBytes(h, &tag, 1);
  switch (v.type()) {
    case Value::Type::kNull: return h;
    case Value::Type::kBool: {
      unsigned char b = v.asBool() ? 1 : 0;
      return HashBytes(h, &b, 1);
    }
    case Value::Type::kInt: {
      uint64_t x = static_cast<uint64_t>(v.asInt());
      unsigned char le[8];
      for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(x >> (8 * i));
      return HashBytes(h, le, 8);
    }
    case Value::Type::kDouble: {
      uint64_t x = std::bit_cast<uint64_t>(v.asDouble());
      unsigned char le[8];
      for (int i = 0; i < 8; ++i) le[i] = static_cast<unsigned char>(x >> (8 * i));
      return HashBytes(h, le, 8);
    }
    case Value::Type::kString: return HashBytes(h, v.asString().data(), v.asString().size());
    case Value::Type::kBytes: return HashBytes(h, v.asBytes().data(), v.asBytes().size());
    case Value::Type::kList:
      for (const Value& item : v.asList()) h = HashValue(h, item);
      return h;
  }
  return h;
}

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

// Round-robin over a randomly permuted task list: perfectly even, and two
// emitters do not hit the same task in lock step (Storm 2's ShuffleGrouping).
class ShuffleGrouper final : public Grouper {
 public:
  ShuffleGrouper(std::vector<int> tasks, uint64_t seed) : tasks_(std::move(tasks)) {
    std::mt19937_64 rng(seed);
    std::shuffle(tasks_.begin(), tasks_.end(), rng);
  }
  void Choose(const Values&, std::vector<int>& out) override {
    out.push_back(tasks_[next_]);
    if (++next_ == tasks_.size()) next_ = 0;
  }

 private:
  std::vector<int> tasks_;
  size_t next_ = 0;
};

class FieldsGrouper final : public Grouper {
 public:
  FieldsGrouper(std::vector<int> tasks, std::vector<int> indexes)
      : tasks_(std::move(tasks)), indexes_(std::move(indexes)) {}
  void Choose(const Values& values, std::vector<int>& out) override {
    if (tasks_.size() == 1) {  // one task (e.g. one acker): nothing to hash
      out.push_back(tasks_[0]);
      return;
    }
    uint64_t h = kFnvOffset;
    for (int i : indexes_) {
      if (static_cast<size_t>(i) >= values.size()) {
        throw StormError("a fields grouping needs value " + std::to_string(i) +
                         " but the tuple has " + std::to_string(values.size()));
      }
      h = HashValue(h, values[i]);
    }
    out.push_back(tasks_[Mix(h) % tasks_.size()]);
  }

 private:
  std::vector<int> tasks_;
  std::vector<int> indexes_;
};

class AllGrouper final : public Grouper {
 public:
  explicit AllGrouper(std::vector<int> tasks) : tasks_(std::move(tasks)) {}
  void Choose(const Values&, std::vector<int>& out) override {
    out.insert(out.end(), tasks_.begin(), tasks_.end());
  }

 private:
  std::vector<int> tasks_;
};

class GlobalGrouper final : public Grouper {
 public:
  explicit GlobalGrouper(int task) : task_(task) {}
  void Choose(const Values&, std::vector<int>& out) override { out.push_back(task_); }

 private:
  int task_;
};

}  // namespace

uint64_t StableHash(const Value& value, uint64_t seed) {
  return Mix(HashValue(kFnvOffset ^ seed, value));
}

std::unique_ptr<Grouper> MakeGrouper(const Subscription& sub, const Fields& source_fields,
                                     const std::vector<int>& worker_tasks, uint64_t seed) {
  switch (sub.grouping.kind) {
    case GroupingKind::kShuffle:
    case GroupingKind::kNone:  // Storm's none grouping is a random one.
      return std::make_unique<ShuffleGrouper>(sub.tasks, seed);
    case GroupingKind::kLocalOrShuffle: {
      std::vector<int> local;
      std::set_intersection(sub.tasks.begin(), sub.tasks.end(), worker_tasks.begin(),
                            worker_tasks.end(), std::back_inserter(local));
      return std::make_unique<ShuffleGrouper>(local.empty() ? sub.tasks : local, seed);
    }
    case GroupingKind::kFields: {
      std::vector<int> indexes;
      for (const auto& f : sub.grouping.fields.toList()) {
        indexes.push_back(source_fields.fieldIndex(f));
      }
      return std::make_unique<FieldsGrouper>(sub.tasks, std::move(indexes));
    }
    case GroupingKind::kAll: return std::make_unique<AllGrouper>(sub.tasks);
    case GroupingKind::kGlobal:
      return std::make_unique<GlobalGrouper>(*std::min_element(sub.tasks.begin(), sub.tasks.end()));
    case GroupingKind::kDirect: return nullptr;
  }
  return nullptr;
}

}  // namespace storm
