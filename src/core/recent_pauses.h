// The stop-the-world pauses of the latest cycles, for a live view's "p99 over
// the last N cycles": a fixed ring, so following a log for days stays small.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace gcsight {

/// The last kSize pauses and their nearest-rank percentiles.
class RecentPauses {
 public:
  static constexpr size_t kSize = 256;

  void add(uint64_t pause_ns) {
    ring_[next_] = pause_ns;
    next_ = (next_ + 1) % kSize;
    if (count_ < kSize) ++count_;
    last_ = pause_ns;
  }
  /// Pauses held (at most kSize).
  [[nodiscard]] size_t count() const { return count_; }
  /// The latest pause; 0 before the first.
  [[nodiscard]] uint64_t last() const { return last_; }
  /// Nearest-rank percentile `pct` (1..100) of the pauses held: the value at rank
  /// ceil(pct x N / 100); 0 when none.
  [[nodiscard]] uint64_t percentile(uint32_t pct) const {
    if (count_ == 0) return 0;
    std::array<uint64_t, kSize> v{};
    std::copy_n(ring_.begin(), count_, v.begin());
    const size_t rank = std::clamp<size_t>((pct * count_ + 99) / 100, 1, count_);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rank - 1), v.begin() + static_cast<std::ptrdiff_t>(count_));
    return v[rank - 1];
  }

 private:
  std::array<uint64_t, kSize> ring_{};
  size_t next_ = 0;
  size_t count_ = 0;
  uint64_t last_ = 0;
};

}  // namespace gcsight
