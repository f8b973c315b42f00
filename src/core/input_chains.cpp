#include "core/input_chains.h"

#include <algorithm>
#include <numeric>

namespace gcsight {

std::vector<std::vector<size_t>> chain_inputs(const std::vector<InputEnds>& ends) {
  const size_t n = ends.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Oldest first: by first cycle number, then time.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (ends[a].has_gc != ends[b].has_gc) return ends[a].has_gc;
    if (ends[a].first_gc != ends[b].first_gc) return ends[a].first_gc < ends[b].first_gc;
    return ends[a].first_ns < ends[b].first_ns;
  });
  std::vector<std::vector<size_t>> chains;
  std::vector<bool> open;  // the chain can still take a successor
  for (size_t i : order) {
    const InputEnds& b = ends[i];
    size_t best = chains.size();
    if (b.has_gc) {
      for (size_t c = 0; c < chains.size(); ++c) {
        const InputEnds& a = ends[chains[c].back()];
        if (!open[c] || !a.has_gc) continue;
        if (b.first_gc > a.last_gc && b.first_gc - a.last_gc <= kRotationSlack && b.first_ns >= a.last_ns &&
            (best == chains.size() || a.last_ns > ends[chains[best].back()].last_ns)) {
          best = c;
        }
      }
    }
    if (best == chains.size()) {
      chains.push_back({i});
      open.push_back(b.has_gc);
    } else {
      chains[best].push_back(i);
    }
  }
  std::stable_sort(chains.begin(), chains.end(), [](const auto& a, const auto& b) {
    return *std::min_element(a.begin(), a.end()) < *std::min_element(b.begin(), b.end());
  });
  return chains;
}

}  // namespace gcsight
