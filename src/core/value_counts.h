// An exact value -> count map for the pause and mark-time distributions: open
// addressing over one flat array. A run has few distinct printed durations
// (about two significant digits), and each cycle adds one, so this is looked
// up millions of times and grown a handful of times.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gcsight {

/// Counts of uint64 values; sorted() gives them in value order.
class ValueCounts {
 public:
  ValueCounts() : slots_(kInitialSlots) {}

  /// Adds one occurrence of `v`.
  void add(uint64_t v) {
    for (size_t i = index(v);; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.count == 0) {
        s = {v, 1};
        // At most half full, so that a probe soon meets an empty slot.
        if (2 * ++used_ > slots_.size()) grow();
        return;
      }
      if (s.value == v) {
        ++s.count;
        return;
      }
    }
  }
  /// (value, count) pairs in increasing value order.
  [[nodiscard]] std::vector<std::pair<uint64_t, uint64_t>> sorted() const;
  [[nodiscard]] size_t distinct() const { return used_; }

 private:
  static constexpr size_t kInitialSlots = 64;  // a power of two
  struct Slot {
    uint64_t value = 0;
    uint64_t count = 0;  // 0 = empty
  };
  // Fibonacci hashing: the top bits of v x 2^64/phi. Durations are multiples
  // of a microsecond or so, and the multiplication spreads them over the table.
  [[nodiscard]] size_t index(uint64_t v) const { return static_cast<size_t>((v * 0x9e3779b97f4a7c15ull) >> shift_); }
  void grow();

  std::vector<Slot> slots_;
  size_t mask_ = kInitialSlots - 1;  // slots_.size() - 1
  unsigned shift_ = 64 - 6;          // 64 - log2(slots_.size())
  size_t used_ = 0;
};

}  // namespace gcsight
