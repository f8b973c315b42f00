#include "core/value_counts.h"

#include <algorithm>

namespace gcsight {

void ValueCounts::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  --shift_;
  used_ = 0;
  for (const Slot& s : old) {
    if (s.count == 0) continue;
    size_t i = index(s.value);
    while (slots_[i].count != 0) i = (i + 1) & mask_;
    slots_[i] = s;
    ++used_;
  }
}

std::vector<std::pair<uint64_t, uint64_t>> ValueCounts::sorted() const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  out.reserve(used_);
  for (const Slot& s : slots_) {
    if (s.count != 0) out.emplace_back(s.value, s.count);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace gcsight
