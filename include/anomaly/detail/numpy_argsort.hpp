#pragma once
// NumPy 1.24's np.argsort of float64 (its default "quicksort": an introsort), so that where
// scikit-learn takes argsort(values)[:k] we take the same k indices even when values tie. Written
// from the algorithm's description; checked against NumPy on 3000 tie-heavy arrays, nine of them
// kept in tests/data/numpy_argsort_reference.csv (with NumPy's kind="heapsort" for the fallback).
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace anomaly::detail {

/// NumPy's order of doubles: NaN after everything, so that sorting with NaNs stays well defined.
inline bool numpy_less(double a, double b) noexcept {
  return a < b || (b != b && a == a);
}

/// Heapsort of positions [0, count) of `order` by v, a max-heap in 0-based layout (children of p
/// at 2p + 1 and 2p + 2): the sequence of moves NumPy's aheapsort makes, so that ties end alike.
inline void numpy_heap_argsort(const double* v, Index* order, Index count) noexcept {
  const auto sink = [&](Index hole, Index size, Index carried) {
    for (Index child = 2 * hole + 1; child < size; child = 2 * hole + 1) {
      if (child + 1 < size && numpy_less(v[order[child]], v[order[child + 1]])) ++child;
      if (!numpy_less(v[carried], v[order[child]])) break;
      order[hole] = order[child];
      hole = child;
    }
    order[hole] = carried;
  };
  for (Index top = count / 2; top-- > 0;) sink(top, count, order[top]);
  for (Index size = count - 1; size > 0; --size) {
    const Index carried = order[size];
    order[size] = order[0];
    sink(0, size, carried);
  }
}

/// order[0, n) = np.argsort(v[0, n)) as NumPy 1.24 sorts by default (an introsort): ranges longer
/// than 16 are split around the median of their first, middle and last, shorter ones are finished
/// by insertion, and a range split more than 2 floor(log2 n) times deep is heapsorted. The smaller
/// side of a split is sorted first, the larger waits; this order decides where ties land.
inline void numpy_argsort(const double* v, Index n, Index* order) {
  for (Index i = 0; i < n; ++i) order[i] = i;
  if (n < 2) return;
  const auto key = [&](Index position) { return v[order[position]]; };
  const auto swap_at = [&](Index a, Index b) { std::swap(order[a], order[b]); };
  struct Range {
    Index first, last;  // inclusive
    int budget;         // splits left before heapsort
  };
  int budget = 0;
  for (auto m = static_cast<std::uint64_t>(n); m >>= 1;) budget += 2;
  std::vector<Range> waiting;
  Range range{0, n - 1, budget};
  for (;;) {
    if (range.budget < 0) {
      numpy_heap_argsort(v, order + range.first, range.last - range.first + 1);
    } else {
      while (range.last - range.first > 15) {
        const Index first = range.first, last = range.last;
        const Index middle = first + (last - first) / 2;
        if (numpy_less(key(middle), key(first))) swap_at(middle, first);
        if (numpy_less(key(last), key(middle))) swap_at(last, middle);
        if (numpy_less(key(middle), key(first))) swap_at(middle, first);
        const double pivot = key(middle);
        swap_at(middle, last - 1);  // the pivot waits beside the last, already >= it
        Index low = first, high = last - 1;
        for (;;) {
          while (numpy_less(key(++low), pivot)) {
          }
          while (numpy_less(pivot, key(--high))) {
          }
          if (low >= high) break;
          swap_at(low, high);
        }
        swap_at(low, last - 1);
        --range.budget;
        if (low - first < last - low) {
          waiting.push_back({low + 1, last, range.budget});
          range.last = low - 1;
        } else {
          waiting.push_back({first, low - 1, range.budget});
          range.first = low + 1;
        }
      }
      for (Index i = range.first + 1; i <= range.last; ++i) {
        const Index carried = order[i];
        Index to = i;
        for (; to > range.first && numpy_less(v[carried], key(to - 1)); --to) {
          order[to] = order[to - 1];
        }
        order[to] = carried;
      }
    }
    if (waiting.empty()) break;
    range = waiting.back();
    waiting.pop_back();
  }
}

/// The (k + 1)-th smallest of v[0, n) in NumPy's order, k < n, NaN read as +infinity (a NaN
/// answer then shows as a count mismatch in numpy_smallest). `keys` is scratch.
inline double numpy_select(const double* v, Index n, Index k, std::vector<double>& keys) {
  keys.resize(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) {  // plain < is then a strict weak order, and twice as fast
    keys[static_cast<std::size_t>(i)] =
        std::isnan(v[i]) ? std::numeric_limits<double>::infinity() : v[i];
  }
  std::nth_element(keys.begin(), keys.begin() + k, keys.end());
  return keys[static_cast<std::size_t>(k)];
}

/// The k rows of np.argsort(v)[:k], ascending, into `rows`: the rows not above the k-th value
/// when no tie straddles it (then every sort gives that set), else numpy_argsort's first k.
/// `keys` and `order` are scratch.
inline void numpy_smallest(const double* v, Index n, Index k, std::vector<Index>& rows,
                           std::vector<double>& keys, std::vector<Index>& order) {
  k = std::min(k, n);
  rows.resize(static_cast<std::size_t>(n));
  Index taken = 0;
  if (k == n) {
    for (Index i = 0; i < n; ++i) rows[static_cast<std::size_t>(i)] = i;
    taken = n;
  } else if (k > 0) {
    const double kth = numpy_select(v, n, k - 1, keys);
    // Branchless append of the rows not above it; NaNs fail <= and end in numpy_argsort.
    for (Index i = 0; i < n; ++i) {
      rows[static_cast<std::size_t>(taken)] = i;
      taken += v[i] <= kth ? 1 : 0;
    }
  }
  if (taken == k) {
    rows.resize(static_cast<std::size_t>(k));
    return;
  }
  order.resize(static_cast<std::size_t>(n));
  numpy_argsort(v, n, order.data());
  order.resize(static_cast<std::size_t>(k));
  std::sort(order.begin(), order.end());
  rows.assign(order.begin(), order.end());
}

}  // namespace anomaly::detail
