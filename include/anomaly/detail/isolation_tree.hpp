#pragma once
// Isolation trees (Liu, Ting and Zhou 2008), axis-parallel or extended (Hariri, Kind and Brunner
// 2019): growing one from a sub-sample, and walking rows down them in lockstep.
#include <anomaly/core/random.hpp>
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

namespace anomaly::detail {

/// c(n) = 2 H(n - 1) - 2 (n - 1) / n: the average path length of an unsuccessful search in a
/// binary search tree of n keys, which normalizes isolation depths. The harmonic number is summed
/// exactly up to 4096 terms, then taken from its asymptotic series (relative error < 1e-17
/// there); scikit-learn's ln(n - 1) + 0.5772 instead is 28% off at n = 3.
inline double average_path_length(Index n) noexcept {
  if (n <= 1) return 0.0;
  const auto m = static_cast<double>(n - 1);
  double harmonic = 0.0;
  if (n - 1 <= 4096) {
    for (Index i = n - 1; i >= 1; --i) harmonic += 1.0 / static_cast<double>(i);  // small first
  } else {
    constexpr double euler_gamma = 0.57721566490153286061;
    const double inverse_square = 1.0 / (m * m);
    harmonic = portable_log(m) + euler_gamma + 0.5 / m -
               inverse_square * (1.0 / 12.0 - inverse_square / 120.0);
  }
  return 2.0 * harmonic - 2.0 * m / static_cast<double>(n);
}

/// One node of a flat isolation tree: 16 bytes in double, 12 in float. A row goes from a split to
/// `left` when its projection is <= value, else to `left + 1`; a leaf points `left` at itself and
/// its projection is never above its value, so a walk may take more steps than the leaf's depth.
template <class T>
struct IsolationNode {
  T value;              ///< split: threshold (or offset); leaf: depth + c(training rows in it)
  std::uint32_t left;   ///< split: the first of its two adjacent children; leaf: itself
  std::uint32_t index;  ///< split: the feature (or row of the normals); leaf: see IsolationForest
};

static_assert(sizeof(IsolationNode<double>) == 16 && sizeof(IsolationNode<float>) == 12);

/// Where a row whose projection on `node` is `projection` goes next (a leaf keeps it).
template <class T, class Projection>
std::uint32_t next_node(const IsolationNode<T>& node, Projection projection) noexcept {
  return node.left + (projection > node.value ? 1u : 0u);
}

/// What grow_tree needs besides the sample.
struct GrowOptions {
  int max_depth = 8;        ///< the height limit, ceil(log2 sample size)
  int extension_level = 0;  ///< 0: axis-parallel; k: splits on k + 1 features at once
};

/// A tree's sample, read in place: rows `rows` (repeated when drawn with replacement) and
/// features `features` (ascending) of a column-major matrix at `data`, columns `stride` apart.
template <class T>
struct TreeSample {
  const T* data = nullptr;
  Index stride = 0;
  std::vector<std::uint32_t> rows;
  std::vector<std::uint32_t> features;
  /// Feature `c` of the sample, indexed by row of the matrix.
  const T* column(std::size_t c) const noexcept { return data + features[c] * stride; }
};

/// A split value uniform in [low, high) (low < high), drawn in double with one rounding (fma) so
/// that a seed gives the same tree on every platform, and kept below `high` in T.
template <class T>
T split_between(T low, T high, Random& random) noexcept {
  const double u = uniform_real(random);
  const auto split = static_cast<T>(std::fma(u, static_cast<double>(high) - low, low));
  return split < high ? split : std::nextafter(high, low);
}

/// Grows an isolation tree on `sample` into `nodes` (emptied first; node 0 is the root), with
/// extended splits appending their normal vectors to `normals` (rows of `n_features` values).
/// Leaves get `leaf_index`. Returns the depth of the deepest leaf.
template <class T>
int grow_tree(const TreeSample<T>& sample, const GrowOptions& options, Index n_features,
              std::uint32_t leaf_index, Random& random, std::vector<IsolationNode<T>>& nodes,
              std::vector<T>& normals) {
  struct Pending {
    std::uint32_t node;
    Index begin, end;  // rows of `order` that reached it
    int depth;
  };
  const auto columns = static_cast<std::uint32_t>(sample.features.size());
  std::vector<std::uint32_t> order = sample.rows;  // partitioned node by node
  std::vector<std::uint32_t> candidates(columns);
  std::vector<Pending> pending{{0, 0, static_cast<Index>(order.size()), 0}};
  nodes.assign(1, {});
  int deepest = 0;
  const auto make_leaf = [&](const Pending& at) {
    const double length = at.depth + average_path_length(at.end - at.begin);
    nodes[at.node] = {static_cast<T>(length), at.node, leaf_index};
    deepest = std::max(deepest, at.depth);
  };
  while (!pending.empty()) {
    const Pending at = pending.back();
    pending.pop_back();
    if (at.depth >= options.max_depth || at.end - at.begin <= 1) {
      make_leaf(at);
      continue;
    }
    const auto rows = std::span(order).subspan(static_cast<std::size_t>(at.begin),
                                               static_cast<std::size_t>(at.end - at.begin));
    const auto range = [&](std::uint32_t c) {  // smallest and largest value of column c here
      const T* column = sample.column(c);
      T low = column[rows.front()], high = low;
      for (const std::uint32_t r : rows)
        low = std::min(low, column[r]), high = std::max(high, column[r]);
      return std::pair{low, high};
    };
    std::iota(candidates.begin(), candidates.end(), 0u);
    auto middle = rows.begin();
    IsolationNode<T> split{};
    if (options.extension_level == 0) {
      // A random feature that is not constant here (drawn without replacement), as
      // scikit-learn's random splitter; none left means the rows cannot be told apart.
      std::uint32_t chosen = columns;
      T low{}, high{};
      for (std::uint32_t tried = 0; tried < columns && chosen == columns; ++tried) {
        std::swap(candidates[tried], candidates[tried + uniform_index(random, columns - tried)]);
        std::tie(low, high) = range(candidates[tried]);
        if (low < high) chosen = candidates[tried];
      }
      if (chosen == columns) {
        make_leaf(at);
        continue;
      }
      const T threshold = split_between(low, high, random);
      const T* column = sample.column(chosen);
      middle = std::partition(rows.begin(), rows.end(),
                              [&](std::uint32_t r) { return column[r] <= threshold; });
      split = {threshold, 0, sample.features[chosen]};
    } else {
      // Hariri et al.: a normal with extension_level + 1 Gaussian components on random features
      // (the rest 0) through a point uniform in the rows' bounding box; rows with
      // (x - p) . n <= 0 go left. Sums run over ascending features with fma, as scoring does.
      const auto active = static_cast<std::uint32_t>(options.extension_level + 1);
      for (std::uint32_t k = 0; k < active; ++k) {
        std::swap(candidates[k], candidates[k + uniform_index(random, columns - k)]);
      }
      std::sort(candidates.begin(), candidates.begin() + active);
      const auto row = normals.size();
      normals.resize(row + static_cast<std::size_t>(n_features), T(0));
      double offset = 0.0;
      for (std::uint32_t k = 0; k < active; ++k) {
        const std::uint32_t c = candidates[k];
        const T component = normal<T>(random);
        const auto [low, high] = range(c);
        const T point = low < high ? split_between(low, high, random) : low;
        normals[row + sample.features[c]] = component;
        offset = std::fma(static_cast<double>(point), static_cast<double>(component), offset);
      }
      const T stored = static_cast<T>(offset);
      middle = std::partition(rows.begin(), rows.end(), [&](std::uint32_t r) {
        double sum = 0.0;
        for (std::uint32_t k = 0; k < active; ++k) {
          const std::uint32_t c = candidates[k];
          sum = std::fma(static_cast<double>(sample.column(c)[r]),
                         static_cast<double>(normals[row + sample.features[c]]), sum);
        }
        return sum <= stored;
      });
      split = {stored, 0, static_cast<std::uint32_t>(row / static_cast<std::size_t>(n_features))};
    }
    split.left = static_cast<std::uint32_t>(nodes.size());
    nodes[at.node] = split;
    nodes.push_back({});
    nodes.push_back({});
    const Index cut = at.begin + (middle - rows.begin());
    pending.push_back({split.left + 1, cut, at.end, at.depth + 1});
    pending.push_back({split.left, at.begin, cut, at.depth + 1});
  }
  return deepest;
}

/// Rows walked down a tree together by add_path_lengths.
inline constexpr Index walk_lanes = 16;

/// Adds to sums[r] the path length of each of walk_lanes rows down an axis-parallel tree of
/// depth `depth`. `group` holds the rows feature-major (value j of row r at j * walk_lanes + r),
/// with -infinity at the leaves' feature. The rows walk in lockstep, a fixed number of steps: no
/// branch depends on the data, and the independent walks overlap their memory latency.
template <class T>
void add_path_lengths(const IsolationNode<T>* tree, int depth, const T* group,
                      double* sums) noexcept {
  std::uint32_t at[walk_lanes] = {};
  for (int level = 0; level < depth; ++level) {
    for (Index r = 0; r < walk_lanes; ++r) {
      const IsolationNode<T>& node = tree[at[r]];
      at[r] = next_node(node, group[node.index * walk_lanes + r]);
    }
  }
  for (Index r = 0; r < walk_lanes; ++r) sums[r] += static_cast<double>(tree[at[r]].value);
}

/// x . normal over ascending features, with fma: the sums grow_tree partitioned by (its zero
/// components add exact zeros, so skipping them, as growing does, changes nothing). `x` is a
/// pointer or an Eigen row.
template <class T, class Row>
double project(const Row& x, const T* normal, Index n_features) noexcept {
  double sum = 0.0;
  for (Index j = 0; j < n_features; ++j) {
    sum = std::fma(static_cast<double>(x[j]), static_cast<double>(normal[j]), sum);
  }
  return sum;
}

/// The path length of row x down an extended tree of depth `depth` (normals row 0 is all zeros,
/// the leaves').
template <class T, class Row>
double path_length(const IsolationNode<T>* tree, int depth, const Row& x, const T* normals,
                   Index n_features) noexcept {
  std::uint32_t at = 0;
  for (int step = 0; step < depth; ++step) {
    const IsolationNode<T>& node = tree[at];
    const double projection = project(x, normals + node.index * n_features, n_features);
    at = next_node(node, projection);
  }
  return static_cast<double>(tree[at].value);
}

/// path_length for `count` rows held row-major (row r at rows + r * n_features), added to
/// sums[r]; walk_lanes rows at a time in lockstep, so that their projections overlap.
template <class T>
void add_extended_path_lengths(const IsolationNode<T>* tree, int depth, const T* rows, Index count,
                               const T* normals, Index n_features, double* sums) noexcept {
  for (Index first = 0; first < count; first += walk_lanes) {
    const Index lanes = std::min(walk_lanes, count - first);
    const T* group = rows + first * n_features;
    std::uint32_t at[walk_lanes] = {};
    for (int level = 0; level < depth; ++level) {
      for (Index r = 0; r < lanes; ++r) {
        const IsolationNode<T>& node = tree[at[r]];
        const double projection =
            project(group + r * n_features, normals + node.index * n_features, n_features);
        at[r] = next_node(node, projection);
      }
    }
    for (Index r = 0; r < lanes; ++r) sums[first + r] += static_cast<double>(tree[at[r]].value);
  }
}

}  // namespace anomaly::detail
