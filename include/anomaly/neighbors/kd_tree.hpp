#pragma once
// KdTree: an exact k-nearest-neighbour index over the rows of a matrix (Euclidean distance), with
// a blocked brute-force path for the data where a tree does not pay off.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <utility>
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

/// Which search KdTree runs; only tests force one, to prove that both give the same bits.
enum class NeighborSearch { automatic, tree, brute_force };

/// The tests' door to the forced-search constructor; not part of the public API.
struct KdTreeAccess;

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

/// Sum of squared differences in T, feature 0 first: the one formula both search paths use, so
/// they agree to the bit (no ||x||^2 + ||y||^2 - 2 x.y, which cancels and breaks ties).
template <class T>
inline T squared_distance(const T* a, const T* b, Index d) noexcept {
  T sum = 0;
  for (Index j = 0; j < d; ++j) {
    sum = add_square(sum, a[j] - b[j]);
  }
  return sum;
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

/// The k best candidates seen so far: a max-heap, so the one to beat is at the front.
template <class T>
class CandidateHeap {
 public:
  void reset(Index k) {
    k_ = to_size(k);
    items_.clear();
    items_.reserve(k_);
  }
  bool full() const noexcept { return items_.size() == k_; }
  const Candidate<T>& worst() const noexcept { return items_.front(); }

  void offer(T distance2, Index index) {
    const Candidate<T> candidate{distance2, index};
    if (items_.size() < k_) {
      items_.push_back(candidate);
      std::push_heap(items_.begin(), items_.end());
    } else if (candidate < items_.front()) {
      std::pop_heap(items_.begin(), items_.end());
      items_.back() = candidate;
      std::push_heap(items_.begin(), items_.end());
    }
  }

  /// Writes the candidates, nearest first, to row `row` of `out` (and empties the heap's order).
  void write(Neighbors<T>& out, Index row) {
    std::sort_heap(items_.begin(), items_.end());
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const auto column = static_cast<Index>(i);
      out.indices(row, column) = items_[i].index;
      out.distances(row, column) = std::sqrt(items_[i].distance2);
    }
  }

 private:
  std::size_t k_ = 0;
  std::vector<Candidate<T>> items_;
};

}  // namespace detail

/// Exact k-nearest-neighbour index over the rows of a matrix (a copy is kept). A k-d tree with
/// median splits on the widest dimension and a bounding box per node; above
/// `max_tree_features` features (or at most `max_brute_force_rows` rows) it scans all rows in
/// blocks instead, because a tree then visits nearly every leaf anyway. Both paths compute the
/// same squared distances in T and break ties by the smaller row index, so results are
/// bit-identical whichever path runs. Immutable after construction; queries are const and safe
/// from many threads at once.
template <Scalar T = double>
class KdTree {
 public:
  /// Above this many features the automatic search scans (measured: see bench_kd_tree).
  static constexpr Index max_tree_features = 16;
  /// At or below this many rows the automatic search scans: a tree saves nothing there.
  static constexpr Index max_brute_force_rows = 64;

  /// Indexes the rows of X (copied; X must be non-empty and finite: anomaly::Error otherwise),
  /// O(n log n).
  explicit KdTree(const MatrixRef<T>& X, Index leaf_size = 16)
      : KdTree(X, leaf_size, detail::NeighborSearch::automatic) {}

  /// Rows indexed.
  Index size() const noexcept { return n_; }
  /// Columns.
  Index n_features() const noexcept { return d_; }

  /// The k nearest indexed rows of each row of Q (1 <= k <= size(); wrong column count, NaN,
  /// bad k: anomaly::Error naming it).
  Neighbors<T> query(const MatrixRef<T>& Q, Index k) const;

  /// The k nearest indexed rows of each indexed row, each row excluded from its own list by index
  /// (a duplicate of it still counts, at distance 0): scikit-learn's kneighbors(X=None).
  /// 1 <= k <= size() - 1.
  Neighbors<T> query_self(Index k) const;

 private:
  friend struct detail::KdTreeAccess;

  /// A node covers positions [begin, end) of order_; an internal node's children are
  /// first_child and first_child + 1 (0 marks a leaf: the root is nobody's child).
  struct Node {
    Index begin;
    Index end;
    Index first_child;
    Index min_index;  ///< smallest row index below: prunes ties, which the smaller index wins
  };

  /// Where query i of a batch starts (nullptr: indexed row `row`, read from columns_), which row
  /// it must skip (-1: none) and its output row.
  struct QuerySource {
    const T* data;
    Index exclude;
    Index row;
  };

  KdTree(const MatrixRef<T>& X, Index leaf_size, detail::NeighborSearch search);

  void build();
  template <class SourceOf>
  Neighbors<T> search_all(Index n_queries, Index k, SourceOf source_of) const;
  void search_tree(const T* query, Index exclude, detail::CandidateHeap<T>& heap,
                   std::vector<std::pair<T, Index>>& stack) const;
  template <class SourceOf>
  void search_brute_force(Index n_queries, Index k, SourceOf source_of, Neighbors<T>& out) const;
  T box_distance2(const T* query, Index node) const noexcept;

  const T* point(Index position) const noexcept { return points_.data() + position * d_; }

  Index n_ = 0;
  Index d_ = 0;
  Index leaf_size_ = 16;
  bool use_tree_ = true;
  std::vector<T> points_;     ///< tree: n x d, row-major, in tree order
  std::vector<T> columns_;    ///< brute force: d x n, feature-major, so one loop runs down rows
  std::vector<Index> order_;  ///< order_[position] = row index in X
  std::vector<Node> nodes_;   ///< breadth of the tree in one flat array; root at 0
  std::vector<T> boxes_;      ///< per node: d lower bounds, then d upper bounds
  Index depth_ = 0;           ///< longest root-to-leaf path, to size the search stack
  T prune_slack_ = 0;         ///< relative slack that keeps box pruning safe under FMA contraction
};

namespace detail {

struct KdTreeAccess {
  /// A tree that always runs `search`, whatever the data.
  template <Scalar T>
  static KdTree<T> make(const MatrixRef<T>& X, Index leaf_size, NeighborSearch search) {
    return KdTree<T>(X, leaf_size, search);
  }
  /// Whether the tree path runs.
  template <Scalar T>
  static bool uses_tree(const KdTree<T>& tree) noexcept {
    return tree.use_tree_;
  }
};

}  // namespace detail

// ---------------------------------------------------------------------------------------------

template <Scalar T>
KdTree<T>::KdTree(const MatrixRef<T>& X, Index leaf_size, detail::NeighborSearch search)
    : n_(X.rows()), d_(X.cols()), leaf_size_(leaf_size) {
  raise_if(check_training_data(X, 1, "X"));
  if (leaf_size < 1)
    raise(parameter_error("leaf_size", "at least 1", static_cast<double>(leaf_size)));
  switch (search) {
    case detail::NeighborSearch::automatic:
      use_tree_ = d_ <= max_tree_features && n_ > max_brute_force_rows;
      break;
    case detail::NeighborSearch::tree:
      use_tree_ = true;
      break;
    case detail::NeighborSearch::brute_force:
      use_tree_ = false;
      break;
  }
  // A box bound and a point's distance round alike unless the compiler fuses one into FMAs and
  // not the other; a few ulps per feature of slack covers that and prunes almost as well.
  prune_slack_ = static_cast<T>(4 * (d_ + 1)) * std::numeric_limits<T>::epsilon();
  order_.resize(detail::to_size(n_));
  std::iota(order_.begin(), order_.end(), Index{0});
  if (!use_tree_) {
    columns_.resize(detail::to_size(n_ * d_));
    for (Index j = 0; j < d_; ++j) {
      for (Index i = 0; i < n_; ++i) columns_[detail::to_size(j * n_ + i)] = X(i, j);
    }
    return;
  }
  points_.resize(detail::to_size(n_ * d_));
  for (Index i = 0; i < n_; ++i) {
    for (Index j = 0; j < d_; ++j) points_[detail::to_size(i * d_ + j)] = X(i, j);
  }
  build();
}

template <Scalar T>
void KdTree<T>::build() {
  const auto d = detail::to_size(d_);
  nodes_.push_back({0, n_, 0, 0});
  // (node, depth): splits go by count, so depth <= ceil(log2(n / leaf_size)) + 1 even when all
  // rows are equal (they then split by row index), and the stack holds at most depth + 1 nodes.
  std::vector<std::pair<Index, Index>> pending{{0, 1}};
  std::vector<T> lower(d);
  std::vector<T> upper(d);
  while (!pending.empty()) {
    const auto [id, depth] = pending.back();
    pending.pop_back();
    depth_ = std::max(depth_, depth);
    const Index begin = nodes_[detail::to_size(id)].begin;
    const Index end = nodes_[detail::to_size(id)].end;
    std::fill(lower.begin(), lower.end(), std::numeric_limits<T>::infinity());
    std::fill(upper.begin(), upper.end(), -std::numeric_limits<T>::infinity());
    Index min_index = n_;
    for (Index p = begin; p < end; ++p) {
      const Index row = order_[detail::to_size(p)];
      min_index = std::min(min_index, row);
      const T* x = point(row);  // order_ is still a permutation of the original rows here
      for (std::size_t j = 0; j < d; ++j) {
        lower[j] = std::min(lower[j], x[j]);
        upper[j] = std::max(upper[j], x[j]);
      }
    }
    nodes_[detail::to_size(id)].min_index = min_index;
    const auto box = detail::to_size(id) * 2 * d;
    if (boxes_.size() < box + 2 * d) boxes_.resize(box + 2 * d);
    std::copy(lower.begin(), lower.end(), boxes_.begin() + static_cast<std::ptrdiff_t>(box));
    std::copy(upper.begin(), upper.end(), boxes_.begin() + static_cast<std::ptrdiff_t>(box + d));
    if (end - begin <= leaf_size_) continue;

    std::size_t widest = 0;
    for (std::size_t j = 1; j < d; ++j) {
      if (upper[j] - lower[j] > upper[widest] - lower[widest]) widest = j;
    }
    const Index middle = begin + (end - begin) / 2;
    // (value, row index) is a strict total order, so equal values still split, by index.
    const auto by_value = [&](Index a, Index b) {
      const T va = point(a)[widest];
      const T vb = point(b)[widest];
      return va < vb || (va == vb && a < b);
    };
    std::nth_element(order_.begin() + begin, order_.begin() + middle, order_.begin() + end,
                     by_value);
    const auto first_child = static_cast<Index>(nodes_.size());
    nodes_[detail::to_size(id)].first_child = first_child;
    nodes_.push_back({begin, middle, 0, 0});
    nodes_.push_back({middle, end, 0, 0});
    pending.push_back({first_child + 1, depth + 1});
    pending.push_back({first_child, depth + 1});
  }
  // Leaves read their rows contiguously: store the points in tree order.
  std::vector<T> ordered(points_.size());
  for (Index p = 0; p < n_; ++p) {
    const T* x = point(order_[detail::to_size(p)]);
    std::copy(x, x + d_, ordered.begin() + static_cast<std::ptrdiff_t>(p * d_));
  }
  points_ = std::move(ordered);
}

template <Scalar T>
T KdTree<T>::box_distance2(const T* query, Index node) const noexcept {
  const T* lower = boxes_.data() + node * 2 * d_;
  const T* upper = lower + d_;
  T sum = 0;
  for (Index j = 0; j < d_; ++j) {
    // Same rounding as squared_distance: |lower - q| <= |x - q| for every x in the box.
    T difference = 0;
    if (query[j] < lower[j]) {
      difference = lower[j] - query[j];
    } else if (query[j] > upper[j]) {
      difference = query[j] - upper[j];
    }
    sum = detail::add_square(sum, difference);
  }
  return sum;
}

template <Scalar T>
void KdTree<T>::search_tree(const T* query, Index exclude, detail::CandidateHeap<T>& heap,
                            std::vector<std::pair<T, Index>>& stack) const {
  // A node can be skipped when every row in it is certainly behind the k-th candidate: farther,
  // or as far with a larger row index.
  const auto prunable = [&](T bound, Index node) {
    if (!heap.full()) return false;
    const T certain = bound - bound * prune_slack_;
    const auto& worst = heap.worst();
    return certain > worst.distance2 ||
           (certain >= worst.distance2 && nodes_[detail::to_size(node)].min_index > worst.index);
  };
  stack.clear();
  stack.push_back({T{0}, Index{0}});
  while (!stack.empty()) {
    const auto [bound, id] = stack.back();
    stack.pop_back();
    if (prunable(bound, id)) continue;
    const Node& node = nodes_[detail::to_size(id)];
    if (node.first_child == 0) {
      for (Index p = node.begin; p < node.end; ++p) {
        const Index row = order_[detail::to_size(p)];
        if (row != exclude) heap.offer(detail::squared_distance(query, point(p), d_), row);
      }
      continue;
    }
    const Index left = node.first_child;
    const Index right = left + 1;
    const T left_bound = box_distance2(query, left);
    const T right_bound = box_distance2(query, right);
    // Nearer child last, so it is searched first; equal bounds: the smaller indices first.
    const bool left_first =
        left_bound < right_bound ||
        (left_bound == right_bound &&
         nodes_[detail::to_size(left)].min_index < nodes_[detail::to_size(right)].min_index);
    if (left_first) {
      if (!prunable(right_bound, right)) stack.push_back({right_bound, right});
      stack.push_back({left_bound, left});
    } else {
      if (!prunable(left_bound, left)) stack.push_back({left_bound, left});
      stack.push_back({right_bound, right});
    }
  }
}

template <Scalar T>
template <class SourceOf>
void KdTree<T>::search_brute_force(Index n_queries, Index k, SourceOf source_of,
                                   Neighbors<T>& out) const {
  // Blocks: a block of rows (~64 KB) stays in cache while a block of queries passes over it.
  constexpr Index query_block = 32;
  const Index row_block = std::max<Index>(64, Index{65536} / (d_ * Index{sizeof(T)}));
  const auto d = detail::to_size(d_);
  std::vector<detail::CandidateHeap<T>> heaps(detail::to_size(query_block));
  std::vector<Index> rows(detail::to_size(query_block));
  std::vector<Index> excludes(detail::to_size(query_block));
  std::vector<T> queries(detail::to_size(query_block) * d);
  std::vector<T> distances2(detail::to_size(row_block));
  for (Index first = 0; first < n_queries; first += query_block) {
    const Index count = std::min(query_block, n_queries - first);
    for (Index i = 0; i < count; ++i) {
      const auto slot = detail::to_size(i);
      heaps[slot].reset(k);
      const QuerySource source = source_of(first + i);
      rows[slot] = source.row;
      excludes[slot] = source.exclude;
      for (std::size_t j = 0; j < d; ++j) {
        queries[slot * d + j] =
            source.data != nullptr
                ? source.data[j]
                : columns_[j * detail::to_size(n_) + detail::to_size(source.row)];
      }
    }
    for (Index row_begin = 0; row_begin < n_; row_begin += row_block) {
      const auto begin = detail::to_size(row_begin);
      const auto width = detail::to_size(std::min(n_, row_begin + row_block) - row_begin);
      for (Index i = 0; i < count; ++i) {
        const T* query = queries.data() + detail::to_size(i) * d;
        // Feature by feature down the rows: each sum still runs from feature 0 up, as in
        // squared_distance, so the bits match the tree's; only now the loop vectorizes.
        std::fill_n(distances2.begin(), width, T{0});
        for (std::size_t j = 0; j < d; ++j) {
          const T* column = columns_.data() + j * detail::to_size(n_) + begin;
          const T q = query[j];
          for (std::size_t p = 0; p < width; ++p) {
            const T difference = q - column[p];
            distances2[p] = detail::add_square(distances2[p], difference);
          }
        }
        auto& heap = heaps[detail::to_size(i)];
        const Index exclude = excludes[detail::to_size(i)];
        for (std::size_t p = 0; p < width; ++p) {
          const auto row = static_cast<Index>(begin + p);  // brute force keeps X's order
          if (row != exclude) heap.offer(distances2[p], row);
        }
      }
    }
    for (Index i = 0; i < count; ++i)
      heaps[detail::to_size(i)].write(out, rows[detail::to_size(i)]);
  }
}

template <Scalar T>
template <class SourceOf>
Neighbors<T> KdTree<T>::search_all(Index n_queries, Index k, SourceOf source_of) const {
  Neighbors<T> out;
  out.indices.resize(n_queries, k);
  out.distances.resize(n_queries, k);
  if (!use_tree_) {
    search_brute_force(n_queries, k, source_of, out);
    return out;
  }
  detail::CandidateHeap<T> heap;
  std::vector<std::pair<T, Index>> stack;
  stack.reserve(detail::to_size(depth_ + 2));
  for (Index i = 0; i < n_queries; ++i) {
    const QuerySource source = source_of(i);
    heap.reset(k);
    search_tree(source.data, source.exclude, heap, stack);
    heap.write(out, source.row);
  }
  return out;
}

template <Scalar T>
Neighbors<T> KdTree<T>::query(const MatrixRef<T>& Q, Index k) const {
  if (Q.cols() != d_) {
    raise(Error::make(ErrorCode::dimension_mismatch,
                      "Q has %ld columns but the tree indexes rows of %ld",
                      static_cast<long>(Q.cols()), static_cast<long>(d_)));
  }
  raise_if(check_finite(Q, "Q"));
  if (k < 1 || k > n_) {
    raise(Error::make(ErrorCode::invalid_parameter,
                      "k must be between 1 and size() = %ld, the rows indexed (got %ld)",
                      static_cast<long>(n_), static_cast<long>(k)));
  }
  // Each query row once in row-major order, so every distance reads contiguous memory.
  std::vector<T> queries(detail::to_size(Q.rows() * d_));
  for (Index i = 0; i < Q.rows(); ++i) {
    for (Index j = 0; j < d_; ++j) queries[detail::to_size(i * d_ + j)] = Q(i, j);
  }
  return search_all(Q.rows(), k, [&](Index i) {
    return QuerySource{queries.data() + i * d_, Index{-1}, i};
  });
}

template <Scalar T>
Neighbors<T> KdTree<T>::query_self(Index k) const {
  if (k < 1 || k > n_ - 1) {
    raise(Error::make(ErrorCode::invalid_parameter,
                      "k must be between 1 and size() - 1 = %ld for query_self, which leaves each "
                      "row out of its own list (got %ld)",
                      static_cast<long>(n_ - 1), static_cast<long>(k)));
  }
  // In tree order, consecutive queries are near each other and walk the same nodes.
  return search_all(n_, k, [&](Index p) {
    const T* data = use_tree_ ? point(p) : nullptr;  // brute force gathers it from columns_
    return QuerySource{data, order_[detail::to_size(p)], order_[detail::to_size(p)]};
  });
}

}  // namespace anomaly
