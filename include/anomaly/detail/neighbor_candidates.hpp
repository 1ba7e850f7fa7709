#pragma once
// What every exact k-nearest-neighbour search of KdTree shares: the answer type, the one formula
// for a squared distance, and the list of the k best candidates with its tie rule.
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace anomaly {

/// k nearest neighbours of each query row: row q holds its k neighbours, nearest first.
template <Scalar T>
struct Neighbors {
  /// n_queries x k, row indices into the indexed matrix
  Eigen::Matrix<Index, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> indices;
  /// n_queries x k, Euclidean (not squared), ascending
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> distances;
};

namespace detail {

/// Vector positions are std::size_t, Eigen's are Index: one named cast between them.
constexpr std::size_t to_size(Index i) noexcept {
  return static_cast<std::size_t>(i);
}

/// sum + difference^2, rounded once where the target has a fast FMA and twice elsewhere, written
/// out so that the compiler cannot fuse it in one search path and not in the other.
template <class T>
inline T add_square(T sum, T difference) noexcept {
#if (defined(__FP_FAST_FMA) && defined(__FP_FAST_FMAF)) || defined(__FMA__) || \
    defined(__ARM_FEATURE_FMA)
  return std::fma(difference, difference, sum);
#else
  return sum + difference * difference;
#endif
}

/// The one formula of every search path: for each of `Lanes` rows p, the squared distance
/// sum over j = 0, 1, ..., d - 1 of (query[j] - value(j, p))^2, accumulated in T from feature 0
/// up with add_square. The lanes are independent sums that the compiler may vectorize or
/// interleave; each one's bits depend only on the query and its row, whatever the row's layout.
template <std::size_t Lanes, class T, class Value>
inline std::array<T, Lanes> lane_distances(const T* query, Index d, Value value) noexcept {
  std::array<T, Lanes> sums{};  // local, so that it stays in registers
  for (Index j = 0; j < d; ++j) {
    const T q = query[j];
    for (std::size_t p = 0; p < Lanes; ++p) sums[p] = add_square(sums[p], q - value(j, p));
  }
  return sums;
}

/// lane_distances for one pair: the exact formula's squared distance between x and y.
template <class T>
inline T exact_distance2(const T* x, const T* y, Index d) noexcept {
  return lane_distances<1>(x, d, [y](Index j, std::size_t) { return y[j]; })[0];
}

/// One neighbour candidate; candidates order by squared distance, then by the smaller row index,
/// so ties never depend on the order in which rows are visited.
template <class T>
struct Candidate {
  T distance2;
  Index index;
  friend bool operator<(const Candidate& a, const Candidate& b) noexcept {
    return a.distance2 < b.distance2 || (a.distance2 == b.distance2 && a.index < b.index);
  }
};

/// The k best candidates seen so far. For k up to sorted_limit they are kept sorted: a new one
/// moves the farther ones back by a slot, a short run of predictable moves where a heap's
/// 2 log2(k) comparisons mispredict half the time (1.3x to 1.6x faster searches on the tabular
/// sets). Beyond, a max-heap, whose cost does not grow with k. What it holds depends only on the
/// candidates offered, never on their order.
template <class T>
class BestCandidates {
 public:
  static constexpr std::size_t sorted_limit = 256;

  void reset(Index k) {
    k_ = to_size(k);
    items_.resize(k_);
    size_ = 0;
  }
  /// Whether k candidates are held.
  bool full() const noexcept { return size_ == k_; }
  /// The k-th candidate once full: only candidates before it can still enter.
  const Candidate<T>& worst() const noexcept { return items_[sorted() ? k_ - 1 : 0]; }
  /// No candidate farther than this can enter: the worst one's distance once full.
  T bound() const noexcept { return full() ? worst().distance2 : infinity(); }

  void offer(T distance2, Index index) {
    const Candidate<T> candidate{distance2, index};
    if (full() && !(candidate < worst())) return;
    const auto first = items_.begin();
    if (!sorted()) {
      if (full()) std::pop_heap(first, first + static_cast<std::ptrdiff_t>(size_));
      items_[full() ? k_ - 1 : size_++] = candidate;
      std::push_heap(first, first + static_cast<std::ptrdiff_t>(size_));
      return;
    }
    std::size_t at = full() ? k_ - 1 : size_++;
    for (; at > 0 && candidate < items_[at - 1]; --at) items_[at] = items_[at - 1];
    items_[at] = candidate;
  }

  /// Writes the candidates, nearest first, to row `row` of `out` (and leaves them sorted).
  void write(Neighbors<T>& out, Index row) {
    if (!sorted())
      std::sort_heap(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(size_));
    for (std::size_t i = 0; i < size_; ++i) {
      const auto column = static_cast<Index>(i);
      out.indices(row, column) = items_[i].index;
      out.distances(row, column) = std::sqrt(items_[i].distance2);
    }
  }

 private:
  static constexpr T infinity() noexcept { return std::numeric_limits<T>::infinity(); }
  bool sorted() const noexcept { return k_ <= sorted_limit; }
  std::size_t k_ = 0;
  std::size_t size_ = 0;
  /// k slots; the first size_ hold the candidates, nearest first or as a max-heap.
  std::vector<Candidate<T>> items_;
};

}  // namespace detail
}  // namespace anomaly
