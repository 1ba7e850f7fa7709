#pragma once
// KdTree's brute force for many features: a matrix product (GEMM) proposes candidates, the exact
// formula of every other path decides, so the answers keep those paths' bits.
#include <anomaly/core/types.hpp>
#include <anomaly/detail/neighbor_candidates.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <tuple>
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
/// The copy is arranged in tiles of `tile` near rows (recursive splits along the direction of
/// a far pair), each with a ball (centre and radius) that bounds its rows' distances from below.
/// Queries and rows go through the product tile by tile, nearest tiles first, and a tile whose
/// ball lies beyond every query's bound V is skipped without its product; query_self computes
/// each pair of tiles once and uses it both ways. A query's first tile sets V from the tile's
/// upper bounds; from then on, the rows that pass the filter are evaluated at once with the
/// exact formula (lane_distances, `lanes` at a time, on the original values, while the tile is
/// in cache) into the query's best candidates, whose k-th keeps tightening V.
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

  /// X's row i, d contiguous values.
  const T* row(Index i) const noexcept { return stored(position_[to_size(i)]); }

  /// The k nearest indexed rows of each row of Q, into `out` (sized by the caller).
  void query(const MatrixRef<T>& Q, Index k, Neighbors<T>& out) const;
  /// The k nearest indexed rows of each indexed row, itself left out by index; `paired`
  /// false forces the unpaired products (tests).
  void query_self(Index k, Neighbors<T>& out, bool paired = true) const;

 private:
  using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  struct States;
  struct Workspace;

  /// The row stored at `position` (rows are stored in tile order).
  const T* stored(Index position) const noexcept { return rows_.data() + position * d_; }
  /// Reorders rows_ and norms_ (X's order on entry) into tiles of near rows; sets order_ and
  /// position_. Needs finite centred norms.
  void arrange();
  /// Each tile's ball: centres_ and radii2_.
  void measure_tiles();
  /// Tile t's centre, d values.
  const T* ball_centre(Index t) const noexcept { return centres_.data() + t * d_; }
  /// How far x lies outside tile t's ball, rounded down (negative: inside).
  T tile_gap(const T* x, Index t) const noexcept;
  /// A lower bound of the exact formula's value from a point `gap` outside a tile's ball to
  /// each of the tile's rows (0 when the gap proves nothing).
  T gap_floor(T gap) const noexcept {
    return gap > 0 ? gap * gap * (1 - ball_margin_) - ball_floor_ : T{0};
  }
  /// Whether every query of [first, first + count) in `states` has tile t's ball beyond its V.
  bool beyond(const States& states, Index first, Index count, Index t) const noexcept;
  /// Positions [first, first + count) centred, row-major, into `to`.
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
  /// them below), so that its test rejects most of the tile before any row is evaluated.
  void tighten(States& states, Workspace& work, Index q, const T* products, Index first,
               Index count) const;
  /// Offers the pairs of `point` (its coordinates) with each of `others` (positions) exactly
  /// to the query of each pair: `point` is query q and `others` are rows (`point_is_query`),
  /// or `point` is the row at position q and `others` are queries. lanes at a time.
  void evaluate(States& states, const T* point, Index q, const Index* others, Index count,
                bool point_is_query) const;
  /// Unpaired products, one tile of queries at a time: `load(first, m, states, work)` sets the
  /// states of queries [first, first + m) and their centred rows (work.left), and
  /// `output(first + i)` names the row of `out` that query i answers.
  template <class Load, class Output>
  void search_unpaired(Index n_queries, Index k, Neighbors<T>& out, Load load, Output output) const;

  Index n_ = 0;
  Index d_ = 0;
  Index tiles_ = 0;
  std::vector<T> rows_;          ///< n x d, row-major: X's values, in tile order
  std::vector<Index> order_;     ///< order_[position]: the row of X stored there
  std::vector<Index> position_;  ///< position_[row]: where row of X is stored
  std::vector<T> mean_;          ///< the rows' mean, the centre of every product
  std::vector<T> norms_;         ///< each stored row's centred squared norm
  std::vector<T> halves_;        ///< filter_.half of each norm
  std::vector<T> centres_;       ///< tiles x d: each tile's centre
  std::vector<T> radii2_;        ///< each tile's largest squared distance to its centre
  T ball_margin_ = 0;            ///< relative margin of tile_gap's and gap_floor's roundings
  T ball_floor_ = 0;             ///< their absolute margin (underflow)
  GemmFilter<T> filter_;
};

/// The search state of a set of queries: each one's coordinates (original values), centred
/// squared norm, excluded row, bound V and exact candidates.
template <class T>
struct GemmSearch<T>::States {
  Index k;
  std::vector<const T*> query;
  std::vector<T> norm;
  std::vector<Index> exclude;
  std::vector<T> bound;
  std::vector<BestCandidates<T>> exact;

  States(Index count, Index k_)
      : k(k_),
        query(to_size(count)),
        norm(to_size(count)),
        exclude(to_size(count)),
        bound(to_size(count)),
        exact(to_size(count)) {}
  /// Bytes per query, to choose between paired and unpaired products.
  static std::size_t bytes(Index k) noexcept {
    return to_size(k) * sizeof(Candidate<T>) + sizeof(const T*) + 2 * sizeof(T) + sizeof(Index) +
           sizeof(BestCandidates<T>);
  }
  void reset(Index q, const T* coordinates, T squared_norm, Index excluded) {
    query[to_size(q)] = coordinates;
    norm[to_size(q)] = squared_norm;
    exclude[to_size(q)] = excluded;
    bound[to_size(q)] = std::numeric_limits<T>::infinity();
    exact[to_size(q)].reset(k);
  }
  bool bounded(Index q) const noexcept { return norm[to_size(q)] <= GemmFilter<T>::norm_limit; }
  T base(Index q, const GemmFilter<T>& filter) const noexcept {
    return filter.base(bound[to_size(q)], bounded(q));
  }
};

/// Buffers of one call, allocated once: centred tiles (`queries` rows on the left, as few as
/// the call has), their product, a row's upper bounds, the queries' product floors of a column
/// pass and the positions that pass a row's test (at most a tile's).
template <class T>
struct GemmSearch<T>::Workspace {
  std::vector<T> left, right, products, uppers, floors;
  std::vector<Index> passing;
  Workspace(Index d, Index queries)
      : left(to_size(queries * d)),
        right(to_size(tile * d)),
        products(to_size(queries * tile)),
        uppers(to_size(tile)),
        floors(to_size(tile)),
        passing(to_size(tile)) {}
};

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
    std::vector<T> centred(to_size(d_));
    for (Index i = 0; i < n_; ++i) {
      centre(i, 1, centred.data());
      const T norm = Eigen::Map<const Vector<T>>(centred.data(), d_).squaredNorm();
      if (!(norm <= GemmFilter<T>::norm_limit)) return false;  // also infinity and NaN
      norms_[to_size(i)] = norm;
    }
    arrange();
    halves_.resize(to_size(n_));
    for (Index p = 0; p < n_; ++p) halves_[to_size(p)] = filter_.half(norms_[to_size(p)]);
    measure_tiles();
    return true;
  }();
  if (!usable) *this = GemmSearch();
  return usable;
}

template <class T>
void GemmSearch<T>::arrange() {
  const std::vector<T> original = std::move(rows_);
  const std::vector<T> norms = std::move(norms_);
  const auto row_of = [&](Index i) { return original.data() + i * d_; };
  order_.resize(to_size(n_));
  std::iota(order_.begin(), order_.end(), Index{0});
  // The row of [begin, end) farthest from row `from`, the smaller index on ties.
  const auto farthest = [&](Index from, Index begin, Index end) {
    Index found = from;
    T longest = -1;
    for (Index p = begin; p < end; ++p) {
      const Index i = order_[to_size(p)];
      const T length = exact_distance2(row_of(from), row_of(i), d_);
      if (length > longest || (length == longest && i < found)) {
        found = i;
        longest = length;
      }
    }
    return found;
  };
  // Splits by the projection on the line through a far pair (a ball tree's split): it follows
  // the data's longest extent in any direction, where the widest feature would not.
  std::vector<T> key(to_size(n_));
  std::vector<std::pair<Index, Index>> pending{{0, n_}};
  while (!pending.empty()) {
    const auto [begin, end] = pending.back();
    pending.pop_back();
    if (end - begin <= tile) continue;
    const Index start = *std::min_element(order_.begin() + begin, order_.begin() + end);
    const Index a = farthest(start, begin, end);
    const T* from = row_of(a);
    const T* to = row_of(farthest(a, begin, end));
    for (Index p = begin; p < end; ++p) {
      const T* x = row_of(order_[to_size(p)]);
      T projection = 0;
      for (Index j = 0; j < d_; ++j) projection += (x[j] - from[j]) * (to[j] - from[j]);
      key[to_size(order_[to_size(p)])] = projection;
    }
    // Whole tiles on the left, so that every tile but the last is full.
    const Index middle = begin + std::max<Index>(1, ((end - begin) / 2 + tile / 2) / tile) * tile;
    std::nth_element(order_.begin() + begin, order_.begin() + middle, order_.begin() + end,
                     [&](Index i, Index l) {
                       const T ki = key[to_size(i)];
                       const T kl = key[to_size(l)];
                       return ki < kl || (ki == kl && i < l);
                     });
    pending.push_back({begin, middle});
    pending.push_back({middle, end});
  }
  position_.resize(to_size(n_));
  rows_.resize(to_size(n_ * d_));
  norms_.resize(to_size(n_));
  for (Index p = 0; p < n_; ++p) {
    const Index i = order_[to_size(p)];
    position_[to_size(i)] = p;
    std::copy_n(row_of(i), d_, rows_.data() + p * d_);
    norms_[to_size(p)] = norms[to_size(i)];
  }
}

template <class T>
void GemmSearch<T>::measure_tiles() {
  tiles_ = (n_ + tile - 1) / tile;
  centres_.assign(to_size(tiles_ * d_), T{0});
  radii2_.assign(to_size(tiles_), T{0});
  for (Index t = 0; t < tiles_; ++t) {
    const Index first = t * tile;
    const Index count = std::min(tile, n_ - first);
    T* c = centres_.data() + t * d_;
    // The mean of the centred rows, moved back: finite whatever the data's offset.
    for (Index p = first; p < first + count; ++p) {
      for (Index j = 0; j < d_; ++j) c[j] += stored(p)[j] - mean_[to_size(j)];
    }
    for (Index j = 0; j < d_; ++j) c[j] = mean_[to_size(j)] + c[j] / static_cast<T>(count);
    for (Index p = first; p < first + count; ++p) {
      radii2_[to_size(t)] = std::max(radii2_[to_size(t)], exact_distance2(stored(p), c, d_));
    }
  }
  // The exact formula errs by g(d + 2) relatively and (2d + 1) lambda absolutely (see
  // GemmFilter); four and eight times that also cover tile_gap's and gap_floor's own roundings.
  const T u = std::numeric_limits<T>::epsilon() / 2;
  const T terms = static_cast<T>(d_ + 2);
  ball_margin_ = 4 * terms * u / (1 - terms * u);
  ball_floor_ = static_cast<T>(8 * (2 * d_ + 1)) * std::numeric_limits<T>::min();
}

template <class T>
T GemmSearch<T>::tile_gap(const T* x, Index t) const noexcept {
  const T to_centre = exact_distance2(x, ball_centre(t), d_);
  // At most the true distance to the centre, less at least the true radius: every row of the
  // tile is at least this far from x (the triangle inequality).
  const T near = std::sqrt(std::max(T{0}, to_centre * (1 - ball_margin_) - ball_floor_));
  const T far = std::sqrt(radii2_[to_size(t)] * (1 + ball_margin_) + ball_floor_);
  return near - far;
}

template <class T>
bool GemmSearch<T>::beyond(const States& states, Index first, Index count, Index t) const noexcept {
  for (Index q = first; q < first + count; ++q) {
    if (!(gap_floor(tile_gap(states.query[to_size(q)], t)) > states.bound[to_size(q)]))
      return false;
  }
  return true;
}

template <class T>
void GemmSearch<T>::centre(Index first, Index count, T* to) const noexcept {
  for (Index i = 0; i < count; ++i) {
    const T* from = stored(first + i);
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
  Index* passing = work.passing.data();
  Index passed = 0;
  if (!states.bounded(q)) {  // its products may not even be finite: every row goes on
    for (Index j = 0; j < count; ++j) passing[passed++] = first + j;
  } else {
    if (!states.exact[to_size(q)].full()) tighten(states, work, q, products, first, count);
    const T floor = filter_.product_floor(states.norm[to_size(q)], states.base(q, filter_));
    for_each_passing(products, &floor, halves_.data() + first, 0, count,
                     [&](Index j) { passing[passed++] = first + j; });
  }
  evaluate(states, states.query[to_size(q)], q, passing, passed, true);
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
  // As at the tile's start: a floor gone stale only lets more rows through to the exact formula.
  T* floors = work.floors.data();
  for (Index j = 0; j < r; ++j) {
    floors[j] = filter_.product_floor(norms[j], states.base(first + j, filter_));
  }
  Index* passing = work.passing.data();
  for (Index i = 0; i < m; ++i) {
    const Index row = first_row + i;
    Index passed = 0;
    for_each_passing(products + i * r, floors, halves_.data() + row, 1, r,
                     [&](Index j) { passing[passed++] = first + j; });
    evaluate(states, stored(row), row, passing, passed, false);
  }
}

template <class T>
void GemmSearch<T>::evaluate(States& states, const T* point, Index q, const Index* others,
                             Index count, bool point_is_query) const {
  for (Index next = 0; next < count; next += Index{lanes}) {
    const auto filled = to_size(std::min(Index{lanes}, count - next));
    std::array<const T*, lanes> values;
    for (std::size_t p = 0; p < lanes; ++p) {
      const Index other = others[next + static_cast<Index>(p < filled ? p : 0)];
      values[p] = point_is_query ? stored(other) : states.query[to_size(other)];
    }
    // The exact formula is symmetric bit for bit: fl(x - y)^2 = fl(y - x)^2.
    const auto distances2 = lane_distances<lanes>(
        point, d_, [&values](Index j, std::size_t p) { return values[p][j]; });
    for (std::size_t p = 0; p < filled; ++p) {
      const Index other = others[next + static_cast<Index>(p)];
      const Index query = point_is_query ? q : other;
      const Index row = point_is_query ? other : q;
      const auto slot = to_size(query);
      if (row == states.exclude[slot]) continue;
      BestCandidates<T>& best = states.exact[slot];
      best.offer(distances2[p], order_[to_size(row)]);
      states.bound[slot] = std::min(states.bound[slot], best.bound());
    }
  }
}

template <class T>
template <class Load, class Output>
void GemmSearch<T>::search_unpaired(Index n_queries, Index k, Neighbors<T>& out, Load load,
                                    Output output) const {
  const Index queries = std::min(tile, n_queries);
  Workspace work(d_, queries);
  States states(queries, k);
  std::vector<T> gaps(to_size(queries * tiles_));  // query i, tile t at i * tiles_ + t
  std::vector<T> from_group(to_size(tiles_));
  std::vector<T> middle(to_size(d_));
  std::vector<Index> visit(to_size(tiles_));
  for (Index first_query = 0; first_query < n_queries; first_query += tile) {
    const Index m = std::min(tile, n_queries - first_query);
    load(first_query, m, states, work);
    for (Index i = 0; i < m; ++i) {
      for (Index t = 0; t < tiles_; ++t)
        gaps[to_size(i * tiles_ + t)] = tile_gap(states.query[to_size(i)], t);
    }
    // Tiles by the distance of their centres from the queries' mean, so that the bounds are
    // nearly final before far tiles come (a tile's own rows come first in query_self).
    std::fill(middle.begin(), middle.end(), T{0});
    for (Index i = 0; i < m; ++i) {
      for (Index j = 0; j < d_; ++j) middle[to_size(j)] += states.query[to_size(i)][j];
    }
    for (T& value : middle) value /= static_cast<T>(m);
    for (Index t = 0; t < tiles_; ++t)
      from_group[to_size(t)] = exact_distance2(middle.data(), ball_centre(t), d_);
    std::iota(visit.begin(), visit.end(), Index{0});
    std::sort(visit.begin(), visit.end(), [&](Index a, Index b) {
      return from_group[to_size(a)] < from_group[to_size(b)] ||
             (from_group[to_size(a)] == from_group[to_size(b)] && a < b);
    });
    for (const Index t : visit) {
      const auto needed = [&] {
        for (Index i = 0; i < m; ++i) {
          if (!(gap_floor(gaps[to_size(i * tiles_ + t)]) > states.bound[to_size(i)])) return true;
        }
        return false;
      };
      if (!needed()) continue;
      const Index first = t * tile;
      const Index r = std::min(tile, n_ - first);
      centre(first, r, work.right.data());
      product(work.left.data(), m, work.right.data(), r, work.products.data());
      for (Index i = 0; i < m; ++i) {
        pass_row(states, work, i, work.products.data() + i * r, first, r);
      }
    }
    for (Index i = 0; i < m; ++i) states.exact[to_size(i)].write(out, output(first_query + i));
  }
}

template <class T>
void GemmSearch<T>::query(const MatrixRef<T>& Q, Index k, Neighbors<T>& out) const {
  // Queries grouped by the tile whose ball is nearest, so that a group's bounds rule out the
  // same far tiles.
  std::vector<Index> sequence(to_size(Q.rows()));
  std::vector<Index> home(sequence.size());
  std::vector<T> original(to_size(d_));
  for (Index i = 0; i < Q.rows(); ++i) {
    for (Index j = 0; j < d_; ++j) original[to_size(j)] = Q(i, j);
    Index found = 0;
    T smallest = std::numeric_limits<T>::infinity();
    for (Index t = 0; t < tiles_; ++t) {
      const T gap = tile_gap(original.data(), t);
      if (gap < smallest) {
        smallest = gap;
        found = t;
      }
    }
    home[to_size(i)] = found;
  }
  std::iota(sequence.begin(), sequence.end(), Index{0});
  std::stable_sort(sequence.begin(), sequence.end(),
                   [&](Index a, Index b) { return home[to_size(a)] < home[to_size(b)]; });
  // Original values, for the exact formula.
  std::vector<T> queries(to_size(std::min(tile, Q.rows()) * d_));
  const auto load = [&](Index first, Index m, States& states, Workspace& work) {
    for (Index i = 0; i < m; ++i) {
      const Index q = sequence[to_size(first + i)];
      T* values = queries.data() + i * d_;
      T* centred = work.left.data() + i * d_;
      for (Index j = 0; j < d_; ++j) {
        values[j] = Q(q, j);
        centred[j] = values[j] - mean_[to_size(j)];
      }
      states.reset(i, values, Eigen::Map<const Vector<T>>(centred, d_).squaredNorm(), -1);
    }
  };
  search_unpaired(Q.rows(), k, out, load, [&](Index i) { return sequence[to_size(i)]; });
}

template <class T>
void GemmSearch<T>::query_self(Index k, Neighbors<T>& out, bool paired) const {
  if (!paired || to_size(n_) * States::bytes(k) > paired_state_bytes) {
    const auto load = [&](Index first, Index m, States& states, Workspace& work) {
      centre(first, m, work.left.data());
      for (Index i = 0; i < m; ++i)
        states.reset(i, stored(first + i), norms_[to_size(first + i)], first + i);
    };
    search_unpaired(n_, k, out, load, [&](Index p) { return order_[to_size(p)]; });
    return;
  }
  Workspace work(d_, tile);
  States states(n_, k);
  for (Index p = 0; p < n_; ++p) states.reset(p, stored(p), norms_[to_size(p)], p);
  // Tile pairs (a <= b) by the distance between their centres: one product serves both
  // directions, each tile meets itself and its neighbours first, and most far pairs are then
  // skipped on their balls.
  struct Pair {
    T distance2;
    Index a;
    Index b;
  };
  std::vector<Pair> pairs;
  pairs.reserve(to_size(tiles_ * (tiles_ + 1) / 2));
  for (Index a = 0; a < tiles_; ++a) {
    for (Index b = a; b < tiles_; ++b)
      pairs.push_back({exact_distance2(ball_centre(a), ball_centre(b), d_), a, b});
  }
  // Every tile's own pair first, even where two centres coincide: it sets the bounds.
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return std::tuple(x.a != x.b, x.distance2, x.a, x.b) <
           std::tuple(y.a != y.b, y.distance2, y.a, y.b);
  });
  for (const Pair& pair : pairs) {
    const Index first_query = pair.a * tile;
    const Index first = pair.b * tile;
    const Index m = std::min(tile, n_ - first_query);
    const Index r = std::min(tile, n_ - first);
    const bool diagonal = pair.a == pair.b;
    if (!diagonal && beyond(states, first_query, m, pair.b) && beyond(states, first, r, pair.a))
      continue;
    centre(first_query, m, work.left.data());
    if (!diagonal) centre(first, r, work.right.data());
    product(work.left.data(), m, diagonal ? work.left.data() : work.right.data(), r,
            work.products.data());
    for (Index i = 0; i < m; ++i) {
      pass_row(states, work, first_query + i, work.products.data() + i * r, first, r);
    }
    if (!diagonal) pass_columns(states, work, work.products.data(), first_query, m, first, r);
  }
  for (Index p = 0; p < n_; ++p) states.exact[to_size(p)].write(out, order_[to_size(p)]);
}

}  // namespace anomaly::detail
