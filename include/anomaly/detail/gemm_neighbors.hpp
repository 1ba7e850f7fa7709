#pragma once
// KdTree's brute force for many features: a matrix product (GEMM) proposes candidates, the exact
// formula of every other path decides, so the answers keep those paths' bits.
#include <anomaly/core/types.hpp>
#include <anomaly/detail/neighbor_candidates.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace anomaly::detail {

/// The rigorous link between the product's approximate squared distance A and the exact
/// formula's E (lane_distances on the original values), both ways, so that a filter on A never
/// drops a row that could be among the k nearest (docs/neighbors.md has the long form).
///
/// Rows and queries are centred by the indexed rows' mean m first: a' = fl(x - m), exact in
/// real numbers for distances, far less cancellation. Then s = fl(|a'|^2 + |b'|^2) (norms in any
/// order) and A = fl(s - 2 fl(a'.b')) (the product in any order, FMA or not). With
/// u = epsilon / 2, g(j) = j u / (1 - j u), D the true squared distance, N = |a'|^2 + |b'|^2
/// and lambda = the smallest normal T (absolute error of an underflow, flush-to-zero included):
/// - the exact formula rounds each nonnegative term at most d + 2 times:
///   D (1 - g(d + 2)) - (2d + 1) lambda <= E <= D (1 + g(d + 2)) + (2d + 1) lambda;
/// - centring moves a - b by e with |e| <= u/(1 - u) (|a'| + |b'|), so, with 2 sqrt(D) |e| <=
///   u D + |e|^2 / u, |sqrt(D') - sqrt(D)| <= |e| gives D' <= (1 + u) D + 2u (1 + u)/(1 - u)^2 N
///   and the same with D and D' = |a' - b'|^2 swapped;
/// - norms err by at most g(d) N, the dot product by g(d + 3) |a'| |b'| <= g(d + 3) N / 2 (its
///   accumulation into the product's result included), s and A by one rounding each, and
///   N <= s / ((1 - u)(1 - g(d))), so |(s - 2 a'.b') - D'| <= 2 g(d + 3) N.
/// Together, to first order in u: A <= (1 + 2u) D + 2 (d + 4) u s and
/// E <= (1 + (d + 4) u) A+ + 2 (d + 4) u s, plus multiples of d lambda. The filter uses
/// scale = 1 + 2 g(2d + 9), spread = 4 g(d + 4), floor = 32 (d + 4) lambda, about twice what
/// either direction needs, which also covers the roundings of evaluating the bounds below:
/// - upper(A, s) = scale A+ + spread s + floor >= E: the k smallest bound the k-th neighbour;
/// - E <= V implies !(A > scale V + floor + spread s) (`passes`), for any V;
/// - the tiles' first test skips s and A: with b = scale V + floor and h = (1 - spread) / 2,
///   E <= V implies fl(a'.b') >= fl(fl(h |a'|^2 - b / 2) + h |b'|^2) (`product_floor`, the
///   second term precomputed per row), because the roundings of that threshold (relative to
///   the norms, at most about 3u N) fit in the half of `spread` the bound above leaves unused.
/// So a query keeps V = min(the k-th smallest upper bound, its k-th exact value so far) >= the
/// final k-th exact value, and a row that fails the test with any such V (V only shrinks) is
/// certainly not among the k nearest, ties by index included. Overflow: indexed rows with a
/// centred squared norm above max / 16 disable the product (KdTree scans instead); a query
/// beyond it passes every row; a NaN passes.
template <class T>
struct GemmFilter {
  T scale = 0;
  T spread = 0;
  T floor = 0;
  /// Centred squared norms at most this keep every A and bound finite.
  static constexpr T norm_limit = std::numeric_limits<T>::max() / 16;

  /// The filter for d features, or false when T's precision cannot bound d terms usefully.
  bool configure(Index d) noexcept {
    const T u = std::numeric_limits<T>::epsilon() / 2;
    if (static_cast<T>(2 * d + 9) * u > T{1} / 64) return false;
    const auto gamma = [u](Index terms) {
      return static_cast<T>(terms) * u / (1 - static_cast<T>(terms) * u);
    };
    scale = 1 + 2 * gamma(2 * d + 9);
    spread = 4 * gamma(d + 4);
    floor = static_cast<T>(32 * (d + 4)) * std::numeric_limits<T>::min();
    return true;
  }
  /// The query's part of the test for bound V: infinite for a query beyond norm_limit.
  T base(T bound, bool bounded) const noexcept {
    return bounded ? scale * bound + floor : std::numeric_limits<T>::infinity();
  }
  /// Whether a row with approximate value `approx` and norm sum `s` may be among the nearest.
  bool passes(T approx, T s, T base_value) const noexcept {
    return !(approx > base_value + spread * s);
  }
  /// An upper bound of the row's exact value (bounded queries only).
  T upper(T approx, T s) const noexcept {
    return scale * std::max(approx, T{0}) + spread * s + floor;
  }
  /// h |b'|^2 for an indexed row's centred squared norm.
  T half(T norm) const noexcept { return (1 - spread) / 2 * norm; }
  /// The query's part of the product test: the row may be near only if its dot product with
  /// the query is at least this plus half(its norm); -infinity for a query beyond norm_limit.
  T product_floor(T norm, T base_value) const noexcept {
    return base_value == std::numeric_limits<T>::infinity() ? -base_value
                                                            : half(norm) - base_value / 2;
  }
};

/// The exact brute-force search through a matrix product, over a row-major copy of the rows.
/// Queries and rows go through the product in tiles of `tile` x `tile`; query_self computes
/// each pair of tiles once and uses it both ways. Per query, the rows that pass the filter
/// tighten its bound V (a heap of the k smallest upper bounds) and wait in a short list; at the
/// end (or when the list is full of near-ties) they are evaluated with the exact formula
/// (lane_distances, `lanes` rows at a time, on the original values) into the query's best
/// candidates.
template <class T>
class GemmSearch {
 public:
  static constexpr Index tile = 256;
  static constexpr std::size_t lanes = 8;
  /// query_self pairs tiles while every row's search state fits in this many bytes; beyond,
  /// it computes each product once per direction, one tile of queries at a time.
  static constexpr std::size_t paired_state_bytes = std::size_t{64} << 20;

  /// Copies X's rows (finite, checked by the caller). False, keeping nothing, where the filter
  /// cannot be rigorous: too many features for T's precision, or a centred row too large.
  bool build(const MatrixRef<T>& X);

  /// Indexed row i, d contiguous values.
  const T* row(Index i) const noexcept { return rows_.data() + i * d_; }

  /// The k nearest indexed rows of each row of Q, into `out` (sized by the caller).
  void query(const MatrixRef<T>& Q, Index k, Neighbors<T>& out) const;
  /// The k nearest indexed rows of each indexed row, itself left out by index; `paired`
  /// false forces the unpaired products (tests).
  void query_self(Index k, Neighbors<T>& out, bool paired = true) const;

 private:
  using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  /// A row that passed the filter, with its approximate squared distance.
  struct Approximate {
    T approx;
    Index row;
  };
  struct States;
  struct Workspace;

  /// Rows [first, first + count) centred, row-major, into `to`.
  void centre(Index first, Index count, T* to) const noexcept;
  /// products (m x r, row-major) = left (m x d) * right (r x d)^T.
  void product(const T* left, Index m, const T* right, Index r, T* products) const;
  /// Query q against rows [first, first + count), given its row of the product.
  void pass_row(States& states, Workspace& work, Index q, const T* products, Index first,
                Index count) const;
  /// The other direction of a paired tile: queries [first, first + r) (states of the same
  /// indices) against rows [first_row, first_row + m), the product being m x r.
  void pass_columns(States& states, Workspace& work, const T* products, Index first_row, Index m,
                    Index first, Index r) const;
  /// A query's first tile: V from the tile's upper bounds alone (a value with at least k of
  /// them below), so that its test rejects most of the tile before any row is considered.
  void tighten(States& states, Workspace& work, Index q, const T* products, Index first,
               Index count) const;
  /// A row that passed query q's tile test: tightens V and waits in q's list.
  void consider(States& states, Index q, T approx, T s, Index row) const;
  /// Drops the waiting rows that V now rejects; evaluates them all when near-ties fill the list.
  void prune(States& states, Index q) const;
  /// Evaluates q's waiting rows that still pass with the exact formula, into its candidates.
  void evaluate(States& states, Index q) const;
  /// Unpaired products, one tile of queries at a time: `load(first, m, states, work)` sets the
  /// states of queries [first, first + m) and their centred rows (work.left).
  template <class Load>
  void search_unpaired(Index n_queries, Index k, Neighbors<T>& out, Load load) const;

  Index n_ = 0;
  Index d_ = 0;
  std::vector<T> rows_;    ///< n x d, row-major: X's values
  std::vector<T> mean_;    ///< the rows' mean, the centre of every product
  std::vector<T> norms_;   ///< each centred row's squared norm
  std::vector<T> halves_;  ///< filter_.half of each norm
  GemmFilter<T> filter_;
};

/// The search state of a set of queries: each one's coordinates (original values), centred
/// squared norm, excluded row, bound V, heap of upper bounds, waiting rows and exact candidates.
template <class T>
struct GemmSearch<T>::States {
  Index k;
  Index capacity;  ///< waiting rows per query
  std::vector<const T*> query;
  std::vector<T> norm;
  std::vector<Index> exclude;
  std::vector<T> bound;
  std::vector<T> upper;  ///< count x k, max-heaps
  std::vector<Index> upper_size;
  std::vector<Approximate> waiting;  ///< count x capacity
  std::vector<Index> waiting_size;
  std::vector<BestCandidates<T>> exact;

  States(Index count, Index k_)
      : k(k_),
        capacity(2 * k_ + 16),
        query(to_size(count)),
        norm(to_size(count)),
        exclude(to_size(count)),
        bound(to_size(count)),
        upper(to_size(count * k_)),
        upper_size(to_size(count)),
        waiting(to_size(count * capacity)),
        waiting_size(to_size(count)),
        exact(to_size(count)) {}
  /// Bytes per query, to choose between paired and unpaired products.
  static std::size_t bytes(Index k) noexcept {
    return to_size(k) * (sizeof(T) + sizeof(Candidate<T>)) +
           to_size(2 * k + 16) * sizeof(Approximate) + 4 * sizeof(T) + sizeof(BestCandidates<T>);
  }
  void reset(Index q, const T* coordinates, T squared_norm, Index excluded) {
    query[to_size(q)] = coordinates;
    norm[to_size(q)] = squared_norm;
    exclude[to_size(q)] = excluded;
    bound[to_size(q)] = std::numeric_limits<T>::infinity();
    upper_size[to_size(q)] = 0;
    waiting_size[to_size(q)] = 0;
    exact[to_size(q)].reset(k);
  }
  bool bounded(Index q) const noexcept { return norm[to_size(q)] <= GemmFilter<T>::norm_limit; }
  T base(Index q, const GemmFilter<T>& filter) const noexcept {
    return filter.base(bound[to_size(q)], bounded(q));
  }
};

/// Buffers of one call, allocated once: centred tiles (`queries` rows on the left, as few as
/// the call has), their product, a row's upper bounds and the queries' product floors of a
/// column pass.
template <class T>
struct GemmSearch<T>::Workspace {
  std::vector<T> left, right, products, uppers, floors;
  Workspace(Index d, Index queries)
      : left(to_size(queries * d)),
        right(to_size(tile * d)),
        products(to_size(queries * tile)),
        uppers(to_size(tile)),
        floors(to_size(tile)) {}
};

/// Replaces the top of the max-heap heap[0, size) by a smaller `value`, restoring the heap in
/// one pass down (std::pop_heap then std::push_heap would take two).
template <class T>
inline void replace_largest(T* heap, Index size, T value) noexcept {
  Index at = 0;
  for (Index child = 1; child < size; child = 2 * at + 1) {
    if (child + 1 < size && heap[child + 1] > heap[child]) ++child;
    if (!(heap[child] > value)) break;
    heap[at] = heap[child];
    at = child;
  }
  heap[at] = value;
}

/// The product test of one row of a tile: calls each(j) for the j < count with
/// products[j] - (floors[j * step] + halves[j * (1 - step)]) >= 0 (step 0: one query's floor
/// against rows' halves; 1: queries' floors against one row's half). Sixteen at a time through
/// Eigen's arrays, which vectorize the margins and their maximum: most groups have no margin
/// >= 0 and cost a few vector operations. (A flushed-to-zero difference may pass a row that
/// products[j] >= the threshold would not: more rows, never fewer.)
template <class T, class Each>
inline void for_each_passing(const T* products, const T* floors, const T* halves, Index step,
                             Index count, Each each) {
  constexpr Index width = 16;
  using Block = Eigen::Array<T, width, 1>;
  Index j = 0;
  for (; j + width <= count; j += width) {
    const Eigen::Map<const Block> values(products + j);
    const Block margins = step == 0
                              ? Block(values - (floors[0] + Eigen::Map<const Block>(halves + j)))
                              : Block(values - (Eigen::Map<const Block>(floors + j) + halves[0]));
    if (!(margins.maxCoeff() >= 0)) continue;
    for (Index p = 0; p < width; ++p) {
      if (margins[p] >= 0) each(j + p);
    }
  }
  for (; j < count; ++j) {
    if (products[j] - (floors[j * step] + halves[j * (1 - step)]) >= 0) each(j);
  }
}

// ---------------------------------------------------------------------------------------------

template <class T>
bool GemmSearch<T>::build(const MatrixRef<T>& X) {
  n_ = X.rows();
  d_ = X.cols();
  const bool usable = [&] {
    if (!filter_.configure(d_)) return false;
    mean_.resize(to_size(d_));
    for (Index j = 0; j < d_; ++j) mean_[to_size(j)] = X.col(j).mean();
    rows_.resize(to_size(n_ * d_));
    for (Index i = 0; i < n_; ++i) {
      for (Index j = 0; j < d_; ++j) rows_[to_size(i * d_ + j)] = X(i, j);
    }
    norms_.resize(to_size(n_));
    halves_.resize(to_size(n_));
    std::vector<T> centred(to_size(d_));
    for (Index i = 0; i < n_; ++i) {
      centre(i, 1, centred.data());
      const T norm = Eigen::Map<const Vector<T>>(centred.data(), d_).squaredNorm();
      if (!(norm <= GemmFilter<T>::norm_limit)) return false;  // also infinity and NaN
      norms_[to_size(i)] = norm;
      halves_[to_size(i)] = filter_.half(norm);
    }
    return true;
  }();
  if (!usable) *this = GemmSearch();
  return usable;
}

template <class T>
void GemmSearch<T>::centre(Index first, Index count, T* to) const noexcept {
  for (Index i = 0; i < count; ++i) {
    const T* from = row(first + i);
    for (Index j = 0; j < d_; ++j) to[i * d_ + j] = from[j] - mean_[to_size(j)];
  }
}

template <class T>
void GemmSearch<T>::product(const T* left, Index m, const T* right, Index r, T* products) const {
  const Eigen::Map<const RowMajor> a(left, m, d_);
  const Eigen::Map<const RowMajor> b(right, r, d_);
  Eigen::Map<RowMajor>(products, m, r).noalias() = a * b.transpose();
}

template <class T>
void GemmSearch<T>::pass_row(States& states, Workspace& work, Index q, const T* products,
                             Index first, Index count) const {
  const T norm = states.norm[to_size(q)];
  const T* norms = norms_.data() + first;
  const auto offer = [&](Index j) {
    const T s = norm + norms[j];
    consider(states, q, s - 2 * products[j], s, first + j);
  };
  if (!states.bounded(q)) {  // its products may not even be finite: every row goes on
    for (Index j = 0; j < count; ++j) offer(j);
    return;
  }
  if (states.upper_size[to_size(q)] < states.k) tighten(states, work, q, products, first, count);
  const T floor = filter_.product_floor(norm, states.base(q, filter_));
  for_each_passing(products, &floor, halves_.data() + first, 0, count, offer);
}

template <class T>
void GemmSearch<T>::tighten(States& states, Workspace& work, Index q, const T* products,
                            Index first, Index count) const {
  const T norm = states.norm[to_size(q)];
  const T* norms = norms_.data() + first;
  T* uppers = work.uppers.data();
  T low = std::numeric_limits<T>::max();
  T high = 0;
  for (Index j = 0; j < count; ++j) {
    const T s = norm + norms[j];
    uppers[j] = filter_.upper(s - 2 * products[j], s);
    low = std::min(low, uppers[j]);
    high = std::max(high, uppers[j]);
  }
  const Index exclude = states.exclude[to_size(q)];
  Index usable = count;
  if (exclude >= first && exclude < first + count) {
    uppers[exclude - first] = std::numeric_limits<T>::infinity();
    --usable;
  }
  if (usable < states.k) return;
  const auto at_most = [&](T t) {
    Index n = 0;
    for (Index j = 0; j < count; ++j) n += uppers[j] <= t;
    return n;
  };
  // Halving the bit pattern (monotone for positive T) halves the binade range first, then the
  // mantissa: a few passes find a t with k to about 1.25 k of the rows below it.
  using Bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  Bits below = std::bit_cast<Bits>(low) - 1;  // fewer than k rows at or below
  Bits above = std::bit_cast<Bits>(high);     // at least k rows at or below
  while (above - below > 1) {
    const Bits middle = below + (above - below) / 2;
    const Index n = at_most(std::bit_cast<T>(middle));
    if (n < states.k) {
      below = middle;
      continue;
    }
    above = middle;
    if (4 * n <= 5 * states.k + 4) break;
  }
  T& bound = states.bound[to_size(q)];
  bound = std::min(bound, std::bit_cast<T>(above));
}

template <class T>
void GemmSearch<T>::pass_columns(States& states, Workspace& work, const T* products,
                                 Index first_row, Index m, Index first, Index r) const {
  const T* norms = norms_.data() + first;
  // As at the tile's start: a floor gone stale only lets more rows through to consider().
  T* floors = work.floors.data();
  for (Index j = 0; j < r; ++j) {
    floors[j] = filter_.product_floor(norms[j], states.base(first + j, filter_));
  }
  for (Index i = 0; i < m; ++i) {
    const Index row = first_row + i;
    const T norm = norms_[to_size(row)];
    const T* values = products + i * r;
    for_each_passing(values, floors, halves_.data() + row, 1, r, [&](Index j) {
      const T s = norms[j] + norm;
      consider(states, first + j, s - 2 * values[j], s, row);
    });
  }
}

template <class T>
void GemmSearch<T>::consider(States& states, Index q, T approx, T s, Index row) const {
  const auto at = to_size(q);
  if (row == states.exclude[at] || !filter_.passes(approx, s, states.base(q, filter_))) return;
  if (states.bounded(q)) {
    T* heap = states.upper.data() + q * states.k;
    Index& size = states.upper_size[at];
    const T upper = filter_.upper(approx, s);
    if (size < states.k) {
      heap[size++] = upper;
      std::push_heap(heap, heap + size);
    } else if (upper < heap[0]) {
      replace_largest(heap, size, upper);
    }
    if (size == states.k) states.bound[at] = std::min(states.bound[at], heap[0]);
  }
  Index& waiting = states.waiting_size[at];
  states.waiting[to_size(q * states.capacity + waiting++)] = {approx, row};
  if (waiting == states.capacity) prune(states, q);
}

template <class T>
void GemmSearch<T>::prune(States& states, Index q) const {
  Approximate* waiting = states.waiting.data() + q * states.capacity;
  Index& size = states.waiting_size[to_size(q)];
  const T base = states.base(q, filter_);
  const T norm = states.norm[to_size(q)];
  const Approximate* end =
      std::remove_if(waiting, waiting + size, [&](const Approximate& candidate) {
        return !filter_.passes(candidate.approx, norm + norms_[to_size(candidate.row)], base);
      });
  size = end - waiting;
  // Near-ties (duplicates, far-off data) keep the list full: settle them exactly.
  if (2 * size > states.capacity) evaluate(states, q);
}

template <class T>
void GemmSearch<T>::evaluate(States& states, Index q) const {
  const auto at = to_size(q);
  const Approximate* waiting = states.waiting.data() + q * states.capacity;
  const Index size = states.waiting_size[at];
  BestCandidates<T>& best = states.exact[at];
  const T norm = states.norm[at];
  std::array<Index, lanes> group{};
  for (Index next = 0; next < size;) {
    const T base = states.base(q, filter_);
    std::size_t filled = 0;
    for (; next < size && filled < lanes; ++next) {
      const Approximate& candidate = waiting[next];
      if (filter_.passes(candidate.approx, norm + norms_[to_size(candidate.row)], base)) {
        group[filled++] = candidate.row;
      }
    }
    if (filled == 0) break;
    std::array<const T*, lanes> rows;
    for (std::size_t p = 0; p < lanes; ++p) rows[p] = row(group[p < filled ? p : 0]);
    const auto distances2 = lane_distances<lanes>(
        states.query[at], d_, [&rows](Index j, std::size_t p) { return rows[p][j]; });
    for (std::size_t p = 0; p < filled; ++p) best.offer(distances2[p], group[p]);
    states.bound[at] = std::min(states.bound[at], best.bound());
  }
  states.waiting_size[at] = 0;
}

template <class T>
template <class Load>
void GemmSearch<T>::search_unpaired(Index n_queries, Index k, Neighbors<T>& out, Load load) const {
  const Index queries = std::min(tile, n_queries);
  Workspace work(d_, queries);
  States states(queries, k);
  for (Index first_query = 0; first_query < n_queries; first_query += tile) {
    const Index m = std::min(tile, n_queries - first_query);
    load(first_query, m, states, work);
    for (Index first = 0; first < n_; first += tile) {
      const Index r = std::min(tile, n_ - first);
      centre(first, r, work.right.data());
      product(work.left.data(), m, work.right.data(), r, work.products.data());
      for (Index i = 0; i < m; ++i) {
        pass_row(states, work, i, work.products.data() + i * r, first, r);
      }
    }
    for (Index i = 0; i < m; ++i) {
      evaluate(states, i);
      states.exact[to_size(i)].write(out, first_query + i);
    }
  }
}

template <class T>
void GemmSearch<T>::query(const MatrixRef<T>& Q, Index k, Neighbors<T>& out) const {
  // Original values, for the exact formula.
  std::vector<T> queries(to_size(std::min(tile, Q.rows()) * d_));
  search_unpaired(Q.rows(), k, out, [&](Index first, Index m, States& states, Workspace& work) {
    for (Index i = 0; i < m; ++i) {
      T* original = queries.data() + i * d_;
      T* centred = work.left.data() + i * d_;
      for (Index j = 0; j < d_; ++j) {
        original[j] = Q(first + i, j);
        centred[j] = original[j] - mean_[to_size(j)];
      }
      states.reset(i, original, Eigen::Map<const Vector<T>>(centred, d_).squaredNorm(), -1);
    }
  });
}

template <class T>
void GemmSearch<T>::query_self(Index k, Neighbors<T>& out, bool paired) const {
  if (!paired || to_size(n_) * States::bytes(k) > paired_state_bytes) {
    search_unpaired(n_, k, out, [&](Index first, Index m, States& states, Workspace& work) {
      centre(first, m, work.left.data());
      for (Index i = 0; i < m; ++i)
        states.reset(i, row(first + i), norms_[to_size(first + i)], first + i);
    });
    return;
  }
  Workspace work(d_, tile);
  States states(n_, k);
  for (Index q = 0; q < n_; ++q) states.reset(q, row(q), norms_[to_size(q)], q);
  // Tile pairs (queries of block a, rows of block b >= a): one product serves both directions.
  // By distance b - a from the diagonal, so that a block meets the rows stored near it first.
  const Index blocks = (n_ + tile - 1) / tile;
  for (Index offset = 0; offset < blocks; ++offset) {
    for (Index block = 0; block + offset < blocks; ++block) {
      const Index first_query = block * tile;
      const Index first = (block + offset) * tile;
      const Index m = std::min(tile, n_ - first_query);
      const Index r = std::min(tile, n_ - first);
      centre(first_query, m, work.left.data());
      if (offset != 0) centre(first, r, work.right.data());
      product(work.left.data(), m, offset == 0 ? work.left.data() : work.right.data(), r,
              work.products.data());
      for (Index i = 0; i < m; ++i) {
        pass_row(states, work, first_query + i, work.products.data() + i * r, first, r);
      }
      if (offset != 0) pass_columns(states, work, work.products.data(), first_query, m, first, r);
    }
  }
  for (Index q = 0; q < n_; ++q) {
    evaluate(states, q);
    states.exact[to_size(q)].write(out, q);
  }
}

}  // namespace anomaly::detail
