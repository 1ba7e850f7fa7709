#pragma once
// Isolation trees (Liu, Ting and Zhou 2008), axis-parallel or extended (Hariri, Kind and Brunner
// 2019): growing one from a sub-sample, and walking rows down them in lockstep.
#include <anomaly/core/random.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/detail/scikit_learn_random.hpp>

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

/// A tree's sample, read in place: rows `rows` (distinct) and features `features` (in the order
/// drawn) of a column-major matrix at `data`, columns `stride` apart.
template <class T>
struct TreeSample {
  const T* data = nullptr;
  Index stride = 0;
  std::vector<std::uint32_t> rows;
  std::vector<std::uint32_t> features;
  /// Feature `c` of the sample, indexed by row of the matrix.
  const T* column(std::size_t c) const noexcept { return data + features[c] * stride; }
};

/// The smallest and largest value of column `c` of `sample` over `rows`.
template <class T>
std::pair<T, T> value_range(const TreeSample<T>& sample, std::uint32_t c,
                            std::span<const std::uint32_t> rows) noexcept {
  const T* column = sample.column(c);
  T low = column[rows.front()], high = low;
  for (const std::uint32_t r : rows)
    low = std::min(low, column[r]), high = std::max(high, column[r]);
  return {low, high};
}

/// A node's split: `node` (its `left` is set by grow_tree), or none when no split separates its
/// rows; `left_rows` of them go left.
template <class T>
struct Split {
  bool found = false;
  IsolationNode<T> node{};
  std::size_t left_rows = 0;
};

/// Axis-parallel splits drawn as scikit-learn's random splitter draws them: a feature by
/// Fisher-Yates over a permutation kept from node to node, skipping features an ancestor found
/// constant, until one is not constant here; then a threshold uniform between its extremes.
/// Unlike scikit-learn, a feature is constant only when its values are all equal (scikit-learn:
/// within 1e-7, which would make finely scaled data unsplittable).
template <class T>
class AxisSplitter {
 public:
  AxisSplitter(const TreeSample<T>& sample, std::uint32_t splitter_seed)
      : sample_(sample),
        random_(splitter_seed),
        order_(sample.features.size()),
        constants_(sample.features.size()) {
    std::iota(order_.begin(), order_.end(), 0u);
  }

  /// Splits `rows` (reordered: left ones first). `constants` holds how many features are known
  /// constant on entry, and how many the children will know on return.
  Split<T> split(std::span<std::uint32_t> rows, std::uint32_t& constants) {
    const std::uint32_t known = constants;
    auto remaining = static_cast<std::uint32_t>(order_.size());  // order_[remaining:] were drawn
    std::uint32_t drawn_known = 0, found = 0, chosen = 0;
    bool drawn = false;
    T low{}, high{};
    while (!drawn && remaining > known + found) {
      std::uint32_t j = random_.integer(drawn_known, remaining - found);
      if (j < known) {  // known constant: set aside without a look
        std::swap(order_[drawn_known++], order_[j]);
        continue;
      }
      j += found;
      std::tie(low, high) = value_range(sample_, order_[j], rows);
      if (!(low < high)) {  // constant here: for the descendants too
        std::swap(order_[j], order_[known + found++]);
        continue;
      }
      chosen = order_[j];
      std::swap(order_[--remaining], order_[j]);
      drawn = true;
    }
    // The known constants keep their order for the siblings; new ones follow them.
    std::copy_n(constants_.begin(), known, order_.begin());
    std::copy_n(order_.begin() + known, found, constants_.begin() + known);
    constants = known + found;
    Split<T> split;
    if (!drawn) return split;
    double threshold = random_.uniform(static_cast<double>(low), static_cast<double>(high));
    if (threshold == static_cast<double>(high)) threshold = static_cast<double>(low);
    // The largest T at most the double threshold compares with every T as the double does.
    T stored = static_cast<T>(threshold);
    if (static_cast<double>(stored) > threshold) {
      stored = std::nextafter(stored, -std::numeric_limits<T>::infinity());
    }
    if (!(stored < high)) return split;  // rounding reached the top: nothing would go right
    const T* column = sample_.column(chosen);
    const auto middle = std::partition(rows.begin(), rows.end(),
                                       [&](std::uint32_t r) { return column[r] <= stored; });
    split.found = true;
    split.node = {stored, 0, sample_.features[chosen]};
    split.left_rows = static_cast<std::size_t>(middle - rows.begin());
    return split;
  }

 private:
  const TreeSample<T>& sample_;
  SplitterRandom random_;
  std::vector<std::uint32_t> order_;      // a permutation of the sample's features
  std::vector<std::uint32_t> constants_;  // the features found constant along the current path
};

/// Oblique splits of Hariri, Kind and Brunner: a normal with extension_level + 1 Gaussian
/// components on random features (the rest 0), through a point uniform in the rows' bounding box;
/// rows with (x - p) . n <= 0 go left. Normals are appended to `normals` (rows of `n_features`).
template <class T>
class ExtendedSplitter {
 public:
  ExtendedSplitter(const TreeSample<T>& sample, int extension_level, Index n_features,
                   Random random, std::vector<T>& normals)
      : sample_(sample),
        active_(static_cast<std::uint32_t>(extension_level + 1)),
        n_features_(n_features),
        random_(random),
        candidates_(sample.features.size()),
        normals_(normals) {}

  Split<T> split(std::span<std::uint32_t> rows, std::uint32_t& /*constants*/) {
    const auto columns = static_cast<std::uint32_t>(candidates_.size());
    std::iota(candidates_.begin(), candidates_.end(), 0u);
    for (std::uint32_t k = 0; k < active_; ++k) {
      std::swap(candidates_[k], candidates_[k + uniform_index(random_, columns - k)]);
    }
    // Sums run over ascending features with fma, as scoring's do.
    const auto chosen = std::span(candidates_).first(active_);
    std::sort(chosen.begin(), chosen.end(), [&](std::uint32_t a, std::uint32_t b) {
      return sample_.features[a] < sample_.features[b];
    });
    const auto row = normals_.size();
    normals_.resize(row + static_cast<std::size_t>(n_features_), T(0));
    double offset = 0.0;
    for (const std::uint32_t c : chosen) {
      const T component = normal<T>(random_);
      const auto [low, high] = value_range(sample_, c, rows);
      const T point = low < high ? between(low, high) : low;
      normals_[row + sample_.features[c]] = component;
      offset = std::fma(static_cast<double>(point), static_cast<double>(component), offset);
    }
    const T stored = static_cast<T>(offset);
    const auto middle = std::partition(rows.begin(), rows.end(), [&](std::uint32_t r) {
      double sum = 0.0;
      for (const std::uint32_t c : chosen) {
        sum = std::fma(static_cast<double>(sample_.column(c)[r]),
                       static_cast<double>(normals_[row + sample_.features[c]]), sum);
      }
      return sum <= stored;
    });
    Split<T> split;
    split.found = true;
    split.node = {stored, 0,
                  static_cast<std::uint32_t>(row / static_cast<std::size_t>(n_features_))};
    split.left_rows = static_cast<std::size_t>(middle - rows.begin());
    return split;
  }

 private:
  /// Uniform in [low, high): drawn in double with one rounding (fma), kept below `high` in T.
  T between(T low, T high) noexcept {
    const double u = uniform_real(random_);
    const auto value = static_cast<T>(std::fma(u, static_cast<double>(high) - low, low));
    return value < high ? value : std::nextafter(high, low);
  }

  const TreeSample<T>& sample_;
  std::uint32_t active_;
  Index n_features_;
  Random random_;
  std::vector<std::uint32_t> candidates_;
  std::vector<T>& normals_;
};

/// Grows an isolation tree of height at most `max_depth` on `sample` into `nodes` (emptied
/// first; node 0 is the root), depth first, left before right (the order the splitter's draws
/// follow). Leaves get `leaf_index`. Returns the depth of the deepest leaf.
template <class T, class Splitter>
int grow_tree(const TreeSample<T>& sample, int max_depth, std::uint32_t leaf_index,
              Splitter& splitter, std::vector<IsolationNode<T>>& nodes) {
  struct Pending {
    std::uint32_t node;
    std::size_t begin, end;  // rows of `order` that reached it
    int depth;
    std::uint32_t constants;  // features known constant on its rows
  };
  std::vector<std::uint32_t> order = sample.rows;  // partitioned node by node
  std::vector<Pending> pending{{0, 0, order.size(), 0, 0}};
  nodes.assign(1, {});
  int deepest = 0;
  while (!pending.empty()) {
    Pending at = pending.back();
    pending.pop_back();
    Split<T> split;
    if (at.depth < max_depth && at.end - at.begin > 1) {
      split = splitter.split(std::span(order).subspan(at.begin, at.end - at.begin), at.constants);
    }
    if (!split.found) {  // a leaf: its depth plus the expected depth of a tree on its rows
      const double length = at.depth + average_path_length(static_cast<Index>(at.end - at.begin));
      nodes[at.node] = {static_cast<T>(length), at.node, leaf_index};
      deepest = std::max(deepest, at.depth);
      continue;
    }
    split.node.left = static_cast<std::uint32_t>(nodes.size());
    nodes[at.node] = split.node;
    nodes.push_back({});
    nodes.push_back({});
    const std::size_t cut = at.begin + split.left_rows;
    pending.push_back({split.node.left + 1, cut, at.end, at.depth + 1, at.constants});
    pending.push_back({split.node.left, at.begin, cut, at.depth + 1, at.constants});
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
  // Every lane starts at the root: its step is one comparison of 16 values, which vectorizes.
  std::uint32_t at[walk_lanes];
  const T* root_feature = group + tree[0].index * walk_lanes;
  for (Index r = 0; r < walk_lanes; ++r) at[r] = next_node(tree[0], root_feature[r]);
  for (int level = 1; level < depth; ++level) {
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
