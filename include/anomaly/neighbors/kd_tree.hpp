#pragma once
// KdTree: an exact k-nearest-neighbour index over the rows of a matrix (Euclidean distance), with
// brute-force paths (a matrix product, or a plain scan) for the data where a tree does not pay off.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>
#include <anomaly/detail/gemm_neighbors.hpp>
#include <anomaly/detail/neighbor_candidates.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

namespace anomaly {

namespace detail {

/// Which search KdTree runs: the tree, the exact scan of every row, or the matrix-product
/// brute force (GemmSearch). Only tests and benchmarks force one, to prove that all give the same
/// bits and to measure where each pays off.
enum class NeighborSearch { automatic, tree, scan, gemm };

/// The tests' door to the forced-search constructor; not part of the public API.
struct KdTreeAccess;

/// Queries searched together, so that one walk of the tree and one pass over each row serve them
/// all: their coordinates (row-major), the row each leaves out (-1: none), where each answer goes,
/// and each one's best candidates.
template <class T>
struct QueryBatch {
  Index count = 0;
  Index d = 0;
  std::vector<T> coordinates;
  std::vector<Index> excluded;
  std::vector<Index> output_rows;
  std::vector<BestCandidates<T>> best;

  QueryBatch(Index capacity, Index features)
      : d(features),
        coordinates(to_size(capacity * features)),
        excluded(to_size(capacity)),
        output_rows(to_size(capacity)),
        best(to_size(capacity)) {}

  /// Starts an empty batch whose answers hold k neighbours.
  void clear() noexcept { count = 0; }
  /// Adds a query; returns where its d coordinates go.
  T* add(Index exclude, Index output_row, Index k) {
    const auto slot = to_size(count++);
    excluded[slot] = exclude;
    output_rows[slot] = output_row;
    best[slot].reset(k);
    return coordinates.data() + slot * to_size(d);
  }
  const T* query(Index i) const noexcept { return coordinates.data() + i * d; }
  void write(Neighbors<T>& out) {
    for (Index i = 0; i < count; ++i) best[to_size(i)].write(out, output_rows[to_size(i)]);
  }
};

/// Wide vectors (AVX and up) test 32 query lanes per node in few instructions and scan leaves of
/// 64 rows cheaply; 128-bit vectors (SSE2, NEON) would spill 32 lanes (docs/neighbors.md). Either
/// layout gives the same neighbours; ANOMALY_KD_TREE_WIDE (0 or 1) forces one, for the tests.
#ifndef ANOMALY_KD_TREE_WIDE
#if defined(__AVX__)
#define ANOMALY_KD_TREE_WIDE 1
#else
#define ANOMALY_KD_TREE_WIDE 0
#endif
#endif
inline constexpr Index tree_walk_lanes = ANOMALY_KD_TREE_WIDE ? 32 : 16;
inline constexpr Index default_leaf_size = ANOMALY_KD_TREE_WIDE ? 64 : 16;

/// Scratch of a batch's walk down the tree, reused from batch to batch: its queries feature-major
/// (one lane per query, so a node is tested against all of them in one vectorized loop), each
/// lane's k-th candidate, and the stack of nodes still to visit with each lane's bound to them.
template <class T>
struct TreeWalk {
  static constexpr Index lanes = tree_walk_lanes;
  using LaneMask = std::uint32_t;
  static_assert(lanes <= 32, "one bit per lane");
  using Bounds = std::array<T, lanes>;
  /// A node to visit; its lanes' bounds wait in bounds[slot].
  struct Pending {
    Index node;
    Index slot;
  };
  std::vector<T> coordinates;  ///< d x lanes
  Bounds worst{};              ///< k-th candidate's squared distance; infinity until k are found
  std::array<Index, lanes> worst_index{};
  std::vector<Pending> stack;
  /// Two slots per depth: the children of a node at depth L take 2 (L + 1) and 2 (L + 1) + 1.
  /// Depths on the stack never decrease from bottom to top, so nothing deeper than L waits when
  /// a node at depth L is expanded: bounds are written in place, never copied.
  std::vector<Bounds> bounds;
  LaneMask used = 0;  ///< lanes holding a query

  /// Loads the batch's queries into lanes; their candidate lists are empty.
  void load(const QueryBatch<T>& batch) {
    coordinates.assign(to_size(batch.d * lanes), T{0});
    for (Index i = 0; i < batch.count; ++i) {
      for (Index j = 0; j < batch.d; ++j) coordinates[to_size(j * lanes + i)] = batch.query(i)[j];
    }
    worst.fill(std::numeric_limits<T>::infinity());
    worst_index.fill(std::numeric_limits<Index>::max());
    used = batch.count == lanes ? ~LaneMask{0} : (LaneMask{1} << batch.count) - 1;
  }
  /// Lane i's candidates changed: its bound is the k-th candidate's, once it has k.
  void refresh(const BestCandidates<T>& best, Index i) noexcept {
    worst[to_size(i)] = best.bound();
    worst_index[to_size(i)] = best.full() ? best.worst().index : std::numeric_limits<Index>::max();
  }
};

/// Rows stored and scanned together: a block holds scan_chunk rows feature by feature (each
/// feature's values contiguous), so one scan reads one contiguous block and its distances stay
/// in registers while the features go by.
inline constexpr Index scan_chunk = 16;

/// Squared distances from `query` to the scan_chunk rows of `block`.
template <class T>
void block_distances(const T* query, Index d, const T* block,
                     std::array<T, to_size(scan_chunk)>& out) noexcept {
  out = lane_distances<to_size(scan_chunk)>(query, d, [block](Index j, std::size_t p) {
    return block[j * scan_chunk + static_cast<Index>(p)];
  });
}

/// Offers positions [begin, end) of the blocked rows `blocks` (row index row_of[position]) to
/// query i of the batch. Each distance is lane_distances', the one formula of every search path,
/// so their bits agree.
template <class T>
void scan_rows(QueryBatch<T>& batch, Index i, const T* blocks, Index begin, Index end,
               const Index* row_of) {
  const T* query = batch.query(i);
  auto& best = batch.best[to_size(i)];
  const Index exclude = batch.excluded[to_size(i)];
  T bound = best.bound();
  // Whole blocks, so the loop has a fixed trip count and vectorizes; the rows of a block
  // outside [begin, end) (another leaf's, or padding) are computed and ignored.
  for (Index first = begin - begin % scan_chunk; first < end; first += scan_chunk) {
    std::array<T, to_size(scan_chunk)> distances2;
    block_distances(query, batch.d, blocks + first * batch.d, distances2);
    // Most blocks hold no candidate: one vectorized minimum skips them.
    if (Eigen::Map<const Eigen::Array<T, scan_chunk, 1>>(distances2.data()).minCoeff() > bound)
      continue;
    const auto low = to_size(std::max(begin, first) - first);
    const auto high = to_size(std::min(end, first + scan_chunk) - first);
    std::uint32_t near = 0;
    for (std::size_t p = 0; p < distances2.size(); ++p) {
      near |= static_cast<std::uint32_t>(p >= low && p < high && distances2[p] <= bound) << p;
    }
    for (; near != 0; near &= near - 1) {
      const auto p = static_cast<std::size_t>(std::countr_zero(near));
      if (distances2[p] > bound) continue;  // ties may still win by index: offer() decides
      const Index row = row_of[to_size(first) + p];
      if (row == exclude) continue;
      best.offer(distances2[p], row);
      bound = best.bound();
    }
  }
}

}  // namespace detail

/// Exact k-nearest-neighbour index over the rows of a matrix (a copy is kept). A k-d tree with
/// median splits on the widest dimension and a bounding box per node; above
/// `max_tree_features` features it runs a brute force through a matrix product instead (a tree
/// then visits nearly every leaf anyway), and at most `max_scan_rows` rows it scans them all.
/// Queries go in batches of 16 or 32 near neighbours that walk the tree together, each pruned by
/// its own bound (a lane mask). Every path computes the same squared distances in T (the matrix
/// product only proposes candidates) and breaks ties by the smaller row index, so results are
/// bit-identical whichever path runs. Immutable after construction; queries are const and safe
/// from many threads at once.
template <Scalar T = double>
class KdTree {
 public:
  /// Above this many features the automatic search runs the matrix-product brute force
  /// (measured: see bench_kd_tree and docs/neighbors.md).
  static constexpr Index max_tree_features = 16;
  /// At or below this many rows the automatic search scans every row: neither a tree nor a
  /// matrix product saves anything there.
  static constexpr Index max_scan_rows = 64;

  /// Indexes the rows of X (copied; X must be non-empty and finite: anomaly::Error otherwise),
  /// O(n log n).
  explicit KdTree(const MatrixRef<T>& X, Index leaf_size = detail::default_leaf_size)
      : KdTree(X, leaf_size, detail::NeighborSearch::automatic) {}

  /// An empty index (size() 0) that a built one can be assigned to; it answers no query.
  KdTree() = default;

  /// Rows indexed.
  Index size() const noexcept { return n_; }
  /// The indexed rows, in X's order: the copy the index keeps.
  Matrix<T> rows() const {
    Matrix<T> X(n_, d_);
    std::vector<T> row(detail::to_size(d_));
    for (Index p = 0; p < n_; ++p) {
      gather(p, row.data());
      for (Index j = 0; j < d_; ++j) X(order_[detail::to_size(p)], j) = row[detail::to_size(j)];
    }
    return X;
  }
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

  /// Rows a brute-force pass keeps in cache (~64 KB) while a batch of queries passes over them.
  Index scan_block() const noexcept {
    return std::max<Index>(64, Index{65536} / (d_ * Index{sizeof(T)}));
  }
  /// Queries per batch: a leaf's worth for the tree, a cache-friendly block for the scan.
  Index batch_capacity() const noexcept {
    return search_ == detail::NeighborSearch::tree ? detail::TreeWalk<T>::lanes : Index{32};
  }

  KdTree(const MatrixRef<T>& X, Index leaf_size, detail::NeighborSearch search);
  /// The path the automatic search takes for n rows of d features.
  static detail::NeighborSearch automatic_search(Index n, Index d) noexcept {
    if (n <= max_scan_rows) return detail::NeighborSearch::scan;
    return d <= max_tree_features ? detail::NeighborSearch::tree : detail::NeighborSearch::gemm;
  }

  void build(const MatrixRef<T>& X);
  /// Runs `fill(batch)` until it adds no query, answering each batch into `out`.
  template <class Fill>
  void search_batches(Neighbors<T>& out, Fill fill) const;
  void search_tree(detail::QueryBatch<T>& batch, detail::TreeWalk<T>& walk) const;
  /// Each lane's squared distance to node's box, into `bounds`.
  void lane_bounds(const detail::TreeWalk<T>& walk, Index node,
                   typename detail::TreeWalk<T>::Bounds& bounds) const noexcept;
  /// The used lanes that node may still improve: those whose bound does not certainly put every
  /// row in it behind the lane's k-th candidate (farther, or as far with a larger row index).
  typename detail::TreeWalk<T>::LaneMask live_lanes(
      const detail::TreeWalk<T>& walk, Index node,
      const typename detail::TreeWalk<T>::Bounds& bounds) const noexcept;
  void search_scan(detail::QueryBatch<T>& batch) const;
  /// Squared distance from x to node's box: picks the leaf a query falls in.
  T point_box_distance2(const T* x, Index node) const noexcept;
  /// Copies indexed position p's coordinates to `to`.
  void gather(Index position, T* to) const noexcept {
    if (search_ == detail::NeighborSearch::gemm) {
      std::copy_n(gemm_.row(position), d_, to);
      return;
    }
    const T* block = blocks_.data() + (position - position % detail::scan_chunk) * d_;
    for (Index j = 0; j < d_; ++j)
      to[j] = block[j * detail::scan_chunk + position % detail::scan_chunk];
  }

  Index n_ = 0;
  Index d_ = 0;
  Index leaf_size_ = detail::default_leaf_size;
  detail::NeighborSearch search_ = detail::NeighborSearch::tree;  ///< never automatic
  /// Tree and scan: rows by position, in blocks of scan_chunk (the last one padded with zeros):
  /// block b holds positions [b * scan_chunk, (b + 1) * scan_chunk), feature after feature.
  std::vector<T> blocks_;
  detail::GemmSearch<T> gemm_;  ///< the matrix-product brute force: its own row-major copy
  std::vector<Index> order_;    ///< order_[position] = row index in X
  std::vector<Node> nodes_;     ///< the tree in one flat array; root at 0
  std::vector<T> boxes_;        ///< per node: d lower bounds, then d upper bounds
  Index depth_ = 0;             ///< longest root-to-leaf path, to size the search stack
  T prune_slack_ = 0;  ///< relative slack that keeps box pruning safe under FMA contraction
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
    return tree.search_ == NeighborSearch::tree;
  }
  /// query_self through the matrix product without pairing tiles (the path of many rows).
  template <Scalar T>
  static Neighbors<T> query_self_unpaired(const KdTree<T>& tree, Index k) {
    Neighbors<T> out;
    out.indices.resize(tree.size(), k);
    out.distances.resize(tree.size(), k);
    tree.gemm_.query_self(k, out, false);
    return out;
  }
  /// The path that runs (never automatic).
  template <Scalar T>
  static NeighborSearch search(const KdTree<T>& tree) noexcept {
    return tree.search_;
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
  search_ = search == detail::NeighborSearch::automatic ? automatic_search(n_, d_) : search;
  order_.resize(detail::to_size(n_));
  std::iota(order_.begin(), order_.end(), Index{0});
  // The product's error bound needs finite centred norms: data beyond them is scanned instead.
  if (search_ == detail::NeighborSearch::gemm) {
    if (gemm_.build(X)) return;
    search_ = detail::NeighborSearch::scan;
  }
  // A box bound and a point's distance round alike unless the compiler fuses one into FMAs and
  // not the other; a few ulps per feature of slack covers that and prunes almost as well.
  prune_slack_ = static_cast<T>(4 * (d_ + 1)) * std::numeric_limits<T>::epsilon();
  if (search_ == detail::NeighborSearch::tree) build(X);
  // Positions in order_'s order, feature-major: a leaf's rows are contiguous in every column.
  const Index padded = (n_ + detail::scan_chunk - 1) / detail::scan_chunk * detail::scan_chunk;
  blocks_.assign(detail::to_size(padded * d_), T{0});
  for (Index p = 0; p < n_; ++p) {
    T* block = blocks_.data() + (p - p % detail::scan_chunk) * d_;
    for (Index j = 0; j < d_; ++j)
      block[j * detail::scan_chunk + p % detail::scan_chunk] = X(order_[detail::to_size(p)], j);
  }
}

template <Scalar T>
void KdTree<T>::build(const MatrixRef<T>& X) {
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
      for (std::size_t j = 0; j < d; ++j) {
        const T value = X(row, static_cast<Index>(j));
        lower[j] = std::min(lower[j], value);
        upper[j] = std::max(upper[j], value);
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
    // The middle, moved to the nearest block boundary when one lies inside: leaves then start
    // on a block, and a scan reads no other leaf's rows.
    Index middle = begin + (end - begin) / 2;
    const Index aligned =
        (middle + detail::scan_chunk / 2) / detail::scan_chunk * detail::scan_chunk;
    if (aligned > begin && aligned < end) middle = aligned;
    // (value, row index) is a strict total order, so equal values still split, by index.
    const auto feature = static_cast<Index>(widest);
    const auto by_value = [&](Index a, Index b) {
      const T va = X(a, feature);
      const T vb = X(b, feature);
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
}

template <Scalar T>
void KdTree<T>::lane_bounds(const detail::TreeWalk<T>& walk, Index node,
                            typename detail::TreeWalk<T>::Bounds& bounds) const noexcept {
  const T* lower = boxes_.data() + node * 2 * d_;
  const T* upper = lower + d_;
  // Eigen's arrays, because compilers vectorize its max() where they keep std::max scalar (SSE2).
  using Lanes = Eigen::Array<T, detail::TreeWalk<T>::lanes, 1>;
  Lanes sums = Lanes::Zero();
  for (Index j = 0; j < d_; ++j) {
    const Eigen::Map<const Lanes> q(walk.coordinates.data() + j * detail::TreeWalk<T>::lanes);
    // The gap to the box is at most |x - q| for every x in it (at most one of the two is
    // positive); summed as a row's distance is, up to the contraction that prune_slack_ covers.
    const Lanes gap = (lower[j] - q).max(q - upper[j]).max(T{0});
    sums += gap * gap;
  }
  Eigen::Map<Lanes>(bounds.data()) = sums;
}

template <Scalar T>
typename detail::TreeWalk<T>::LaneMask KdTree<T>::live_lanes(
    const detail::TreeWalk<T>& walk, Index node,
    const typename detail::TreeWalk<T>::Bounds& bounds) const noexcept {
  constexpr auto lanes = detail::to_size(detail::TreeWalk<T>::lanes);
  const Index min_index = nodes_[detail::to_size(node)].min_index;
  // Two passes, so that the comparisons vectorize and only the mask is built lane by lane.
  std::array<std::uint8_t, lanes> behind;
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    const T certain = bounds[lane] - bounds[lane] * prune_slack_;
    // Bits, not && and ||: no branch per lane, so the loop vectorizes.
    const auto farther = static_cast<unsigned>(certain > walk.worst[lane]);
    const auto as_far = static_cast<unsigned>(certain >= walk.worst[lane]);
    const auto later = static_cast<unsigned>(min_index > walk.worst_index[lane]);
    behind[lane] = static_cast<std::uint8_t>(farther | (as_far & later));
  }
  using LaneMask = typename detail::TreeWalk<T>::LaneMask;
  LaneMask live = 0;
  if constexpr (std::endian::native == std::endian::little && lanes % 8 == 0) {
    // Eight 0/1 bytes at a time: the product gathers byte i's bit into bit 56 + i, no carries.
    for (std::size_t at = 0; at < lanes; at += 8) {
      std::uint64_t bytes;
      std::memcpy(&bytes, behind.data() + at, sizeof bytes);
      const auto bits = ((bytes ^ 0x0101010101010101U) * 0x0102040810204080U) >> 56;
      live |= static_cast<LaneMask>(bits << at);
    }
  } else {
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      live |= static_cast<LaneMask>(behind[lane] ^ 1U) << lane;
    }
  }
  return live & walk.used;
}

template <Scalar T>
void KdTree<T>::search_tree(detail::QueryBatch<T>& batch, detail::TreeWalk<T>& walk) const {
  using Walk = detail::TreeWalk<T>;
  walk.load(batch);
  walk.stack.clear();
  walk.stack.push_back({Index{0}, Index{0}});
  walk.bounds[0].fill(T{0});
  while (!walk.stack.empty()) {
    const typename Walk::Pending pending = walk.stack.back();
    walk.stack.pop_back();
    const typename Walk::LaneMask live =
        live_lanes(walk, pending.node, walk.bounds[detail::to_size(pending.slot)]);
    if (live == 0) continue;
    const Node& node = nodes_[detail::to_size(pending.node)];
    if (node.first_child == 0) {
      for (auto lanes = live; lanes != 0; lanes &= lanes - 1) {
        const auto i = static_cast<Index>(std::countr_zero(lanes));
        detail::scan_rows(batch, i, blocks_.data(), node.begin, node.end, order_.data());
        walk.refresh(batch.best[detail::to_size(i)], i);
      }
      continue;
    }
    // A child box lies inside its parent's, so a lane pruned here stays pruned below.
    const Index left = node.first_child;
    const Index right = left + 1;
    const Index left_slot = (pending.slot / 2 + 1) * 2;
    const Index right_slot = left_slot + 1;
    auto& left_bounds = walk.bounds[detail::to_size(left_slot)];
    auto& right_bounds = walk.bounds[detail::to_size(right_slot)];
    lane_bounds(walk, left, left_bounds);
    lane_bounds(walk, right, right_bounds);
    const typename Walk::LaneMask left_live = live_lanes(walk, left, left_bounds);
    const typename Walk::LaneMask right_live = live_lanes(walk, right, right_bounds);
    // Nearer child (for the live lanes, in sum) last, so it is searched first.
    T left_sum = 0;
    T right_sum = 0;
    for (auto lanes = live; lanes != 0; lanes &= lanes - 1) {
      const auto lane = static_cast<std::size_t>(std::countr_zero(lanes));
      left_sum += left_bounds[lane];
      right_sum += right_bounds[lane];
    }
    const auto push = [&](Index child, typename Walk::LaneMask child_live, Index slot) {
      if (child_live != 0) walk.stack.push_back({child, slot});
    };
    if (left_sum <= right_sum) {
      push(right, right_live, right_slot);
      push(left, left_live, left_slot);
    } else {
      push(left, left_live, left_slot);
      push(right, right_live, right_slot);
    }
  }
}

template <Scalar T>
T KdTree<T>::point_box_distance2(const T* x, Index node) const noexcept {
  const T* node_lower = boxes_.data() + node * 2 * d_;
  const T* node_upper = node_lower + d_;
  T sum = 0;
  for (Index j = 0; j < d_; ++j) {
    const T difference = std::max({T{0}, node_lower[j] - x[j], x[j] - node_upper[j]});
    sum += difference * difference;
  }
  return sum;
}

template <Scalar T>
void KdTree<T>::search_scan(detail::QueryBatch<T>& batch) const {
  const Index block = scan_block();
  for (Index begin = 0; begin < n_; begin += block) {
    for (Index i = 0; i < batch.count; ++i) {
      detail::scan_rows(batch, i, blocks_.data(), begin, std::min(begin + block, n_),
                        order_.data());
    }
  }
}

template <Scalar T>
template <class Fill>
void KdTree<T>::search_batches(Neighbors<T>& out, Fill fill) const {
  detail::QueryBatch<T> batch(batch_capacity(), d_);
  detail::TreeWalk<T> walk;
  walk.stack.reserve(detail::to_size(depth_ + 2));
  walk.bounds.resize(detail::to_size(2 * (depth_ + 1)));
  for (;;) {
    batch.clear();
    fill(batch);
    if (batch.count == 0) return;
    if (search_ == detail::NeighborSearch::tree) {
      search_tree(batch, walk);
    } else {
      search_scan(batch);
    }
    batch.write(out);
  }
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
  Neighbors<T> out;
  out.indices.resize(Q.rows(), k);
  out.distances.resize(Q.rows(), k);
  if (search_ == detail::NeighborSearch::gemm) {
    gemm_.query(Q, k, out);
    return out;
  }
  // Queries that fall in the same leaf go together: they walk nearly the same nodes.
  std::vector<Index> sorted(detail::to_size(Q.rows()));
  std::iota(sorted.begin(), sorted.end(), Index{0});
  std::vector<Index> leaf_of(sorted.size(), 0);
  std::vector<T> row(detail::to_size(d_));
  if (search_ == detail::NeighborSearch::tree) {
    for (Index i = 0; i < Q.rows(); ++i) {
      for (Index j = 0; j < d_; ++j) row[detail::to_size(j)] = Q(i, j);
      Index id = 0;
      while (nodes_[detail::to_size(id)].first_child != 0) {
        const Index left = nodes_[detail::to_size(id)].first_child;
        id = point_box_distance2(row.data(), left) <= point_box_distance2(row.data(), left + 1)
                 ? left
                 : left + 1;
      }
      leaf_of[detail::to_size(i)] = id;
    }
    std::stable_sort(sorted.begin(), sorted.end(), [&](Index a, Index b) {
      return leaf_of[detail::to_size(a)] < leaf_of[detail::to_size(b)];
    });
  }
  std::size_t next = 0;
  search_batches(out, [&](detail::QueryBatch<T>& batch) {
    const Index capacity = batch_capacity();
    while (next < sorted.size() && batch.count < capacity) {
      const Index i = sorted[next];
      if (batch.count > 0 &&
          leaf_of[detail::to_size(i)] != leaf_of[detail::to_size(sorted[next - 1])])
        break;
      T* to = batch.add(Index{-1}, i, k);
      for (Index j = 0; j < d_; ++j) to[j] = Q(i, j);
      ++next;
    }
  });
  return out;
}

template <Scalar T>
Neighbors<T> KdTree<T>::query_self(Index k) const {
  if (k < 1 || k > n_ - 1) {
    raise(Error::make(ErrorCode::invalid_parameter,
                      "k must be between 1 and size() - 1 = %ld for query_self, which leaves each "
                      "row out of its own list (got %ld)",
                      static_cast<long>(n_ - 1), static_cast<long>(k)));
  }
  Neighbors<T> out;
  out.indices.resize(n_, k);
  out.distances.resize(n_, k);
  if (search_ == detail::NeighborSearch::gemm) {
    gemm_.query_self(k, out);
    return out;
  }
  // Consecutive positions are neighbours in tree order: one batch walks nearly one path.
  std::vector<Index> batch_ends;
  for (Index end = batch_capacity(); end - batch_capacity() < n_; end += batch_capacity())
    batch_ends.push_back(std::min(end, n_));
  std::size_t batch_index = 0;
  Index next = 0;
  search_batches(out, [&](detail::QueryBatch<T>& batch) {
    if (batch_index == batch_ends.size()) return;
    for (const Index end = batch_ends[batch_index++]; next < end; ++next) {
      const Index row = order_[detail::to_size(next)];
      gather(next, batch.add(row, row, k));
    }
  });
  return out;
}

}  // namespace anomaly
