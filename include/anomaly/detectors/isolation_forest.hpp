#pragma once
// IsolationForest: anomalies are few and different, so random splits isolate them in fewer steps
// (Liu, Ting and Zhou 2008); with extension_level > 0, the extended forest's oblique splits
// (Hariri, Kind and Brunner 2019).
#include <anomaly/core.hpp>
#include <anomaly/core/detector_base.hpp>
#include <anomaly/detail/isolation_tree.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace anomaly {

/// Hyper-parameters of IsolationForest.
struct IsolationForestParams {
  Index n_trees = 100;        ///< trees in the forest (the paper's t)
  Index max_samples = 256;    ///< rows per tree (psi); min(max_samples, rows) is used
  double max_features = 1.0;  ///< fraction of the features each tree sees: max(1, floor(f * d))
  bool bootstrap = false;     ///< draw each tree's rows with replacement
  int extension_level = 0;    ///< 0: axis-parallel splits; k: splits on k + 1 features at once
  std::uint64_t seed = 0;     ///< the only source of randomness
  Threshold threshold = Threshold::fixed(0.5);  ///< scikit-learn's "auto": s > 0.5 is anomalous
};

/// The first reason `params` are invalid, or nothing; check(params, X) adds the data's checks.
inline std::optional<Error> check(const IsolationForestParams& params) {
  if (params.n_trees < 1 || params.n_trees > (Index{1} << 24)) {
    return parameter_error("n_trees", "must be in [1, 2^24]", static_cast<double>(params.n_trees));
  }
  if (params.max_samples < 2 || params.max_samples > (Index{1} << 30)) {
    return parameter_error("max_samples", "must be in [2, 2^30]",
                           static_cast<double>(params.max_samples));
  }
  if (!(params.max_features > 0.0 && params.max_features <= 1.0)) {
    return parameter_error("max_features", "must be in (0, 1]", params.max_features);
  }
  if (params.extension_level < 0) {
    return parameter_error("extension_level", "must be >= 0", params.extension_level);
  }
  return check(params.threshold);
}

namespace detail {
/// Features each tree sees: max(1, floor(fraction * d)), as scikit-learn.
inline Index features_per_tree(double fraction, Index d) noexcept {
  return std::max<Index>(1, static_cast<Index>(fraction * static_cast<double>(d)));
}
}  // namespace detail

/// Why `params` cannot be fitted to `X`: the parameters, then X (at least 2 rows, finite), and an
/// extension_level below the features each tree sees.
template <class Derived>
std::optional<Error> check(const IsolationForestParams& params,
                           const Eigen::DenseBase<Derived>& X) {
  if (auto error = check(params)) return error;
  if (auto error = check_training_data(X, 2)) return error;
  if (auto error = check_rows_fit_32_bits(X)) return error;
  const Index seen = detail::features_per_tree(params.max_features, X.cols());
  if (params.extension_level > seen - 1) {
    return Error::make(ErrorCode::invalid_parameter,
                       "extension_level must be <= %ld (the features each tree sees, minus 1), "
                       "was %d",
                       static_cast<long>(seen - 1), params.extension_level);
  }
  return std::nullopt;
}

template <Scalar T>
class IsolationForest;

/// Fitted IsolationForest: flat trees, one after another. Score s(x) = 2^(-E[h(x)] / c(psi)),
/// in (0, 1], higher = more anomalous. Immutable; score() and score_one() are safe from many
/// threads at once.
template <Scalar T = double>
struct IsolationForestModel {
  using Scalar = T;
  using Node = detail::IsolationNode<T>;
  static constexpr const char* serial_tag = "isolation_forest";

  Index features = 0;                     ///< columns it was fitted on
  Index sample_size = 0;                  ///< rows per tree, psi
  int extension_level = 0;                ///< 0: axis-parallel
  std::vector<Node> nodes;                ///< every tree's nodes, tree after tree
  std::vector<std::uint32_t> tree_start;  ///< where each tree begins in `nodes`
  std::vector<std::uint8_t> tree_depth;   ///< the depth of each tree's deepest leaf
  std::vector<T> normals;  ///< extended splits' normal vectors, rows of `features`; row 0 is zeros
  T threshold = 0;         ///< scores above this are anomalies
  ScoreSummary<T> training_summary;  ///< bounded summary of the training rows' scores

  Index n_features() const noexcept { return features; }
  Index n_trees() const noexcept { return static_cast<Index>(tree_start.size()); }

  /// One score per row of X. Thread-safe.
  Vector<T> score(const MatrixRef<T>& X) const {
    raise_if(check_scoring_data(X, features));
    return score_rows(X);
  }

  /// The score of one row, equal to its score() row; allocates nothing.
  T score_one(const RowRef<T>& x) const {
    raise_if(check_scoring_data(x, features, "x"));
    double sum = 0.0;
    for (Index t = 0; t < n_trees(); ++t) {
      const Node* tree = nodes.data() + tree_start[static_cast<std::size_t>(t)];
      const int depth = tree_depth[static_cast<std::size_t>(t)];
      if (extension_level == 0) {
        std::uint32_t at = 0;
        for (int step = 0; step < depth; ++step) {
          const Node& node = tree[at];  // leaves read -infinity, as score() gives them
          at = detail::next_node(
              node, node.index == features ? -std::numeric_limits<T>::infinity() : x[node.index]);
        }
        sum += static_cast<double>(tree[at].value);
      } else {
        sum += detail::path_length(tree, depth, x, normals.data(), features);
      }
    }
    return to_score(sum);
  }

  void write(ByteWriter& writer) const;
  static IsolationForestModel read(ByteReader& reader);

 private:
  friend class IsolationForest<T>;

  /// Scores of X, which has the right shape and is finite.
  Vector<T> score_rows(const MatrixRef<T>& X) const;

  T to_score(double path_sum) const noexcept {
    const double mean = path_sum / static_cast<double>(n_trees());
    return static_cast<T>(std::exp2(-mean / path_normalizer_));
  }
  double path_normalizer_ = 0;  // c(sample_size), set by fit and read: it is a 255-term sum
  bool consistent() const;
};

/// Isolation forest of Liu, Ting and Zhou (2008), with the extended forest of Hariri et al.
/// (2019) through extension_level.
template <Scalar T = double>
class IsolationForest : public detail::DetectorBase<IsolationForest<T>, IsolationForestParams,
                                                    IsolationForestModel<T>> {
 public:
  /// Training rows the threshold and the training-score summary come from, at most: beyond this,
  /// one seeded row from each of summary_rows equal strata, so that fit() does not score millions
  /// of rows. Two rows per knot of the summary, which resolves quantiles in steps of 1/1024 anyway.
  static constexpr Index summary_rows = 2048;

  explicit IsolationForest(IsolationForestParams params = {})
      : IsolationForest::DetectorBase(params) {}
  /// The model fitted to X: the trees, then the scores of (a sample of) its rows.
  IsolationForestModel<T> fit(const MatrixRef<T>& X) const;
  /// Fits and scores the training rows; the model equals fit(X).
  FitScore<IsolationForestModel<T>> fit_score(const MatrixRef<T>& X) const;

 private:
  IsolationForestModel<T> grow(const MatrixRef<T>& X) const;
  std::vector<Index> summary_sample(Index n) const;
  void summarize(IsolationForestModel<T>& model, const Vector<T>& sample_scores) const;
};

// ---------------------------------------------------------------------------------------------

template <Scalar T>
Vector<T> IsolationForestModel<T>::score_rows(const MatrixRef<T>& X) const {
  const Index n = X.rows(), d = features;
  Vector<T> scores(n);
  // Rows go down each tree in turn, 256 at a time (the tree stays in cache). Axis-parallel trees
  // walk groups of walk_lanes rows held feature-major, a spare feature of -infinity being what
  // leaves read; extended trees walk rows held row-major (each split reads the whole row).
  constexpr Index lanes = detail::walk_lanes, groups = 16, block_rows = groups * lanes;
  const bool extended = extension_level > 0;
  const Index group_size = (d + 1) * lanes;
  std::vector<T> block(static_cast<std::size_t>(extended ? block_rows * d : groups * group_size));
  std::vector<double> sums(static_cast<std::size_t>(block_rows));
  for (Index first = 0; first < n; first += block_rows) {
    const Index count = std::min(block_rows, n - first);
    if (extended) {
      for (Index r = 0; r < count; ++r) {
        for (Index j = 0; j < d; ++j) block[static_cast<std::size_t>(r * d + j)] = X(first + r, j);
      }
    } else {
      std::fill(block.begin(), block.end(), -std::numeric_limits<T>::infinity());
      for (Index r = 0; r < count; ++r) {
        T* group = block.data() + (r / lanes) * group_size + r % lanes;
        for (Index j = 0; j < d; ++j) group[j * lanes] = X(first + r, j);
      }
    }
    std::fill(sums.begin(), sums.end(), 0.0);
    for (Index t = 0; t < n_trees(); ++t) {
      const Node* tree = nodes.data() + tree_start[static_cast<std::size_t>(t)];
      const int depth = tree_depth[static_cast<std::size_t>(t)];
      if (extended) {
        detail::add_extended_path_lengths(tree, depth, block.data(), count, normals.data(), d,
                                          sums.data());
        continue;
      }
      for (Index g = 0; g * lanes < count; ++g) {
        detail::add_path_lengths(tree, depth, block.data() + g * group_size,
                                 sums.data() + g * lanes);
      }
    }
    for (Index r = 0; r < count; ++r)
      scores[first + r] = to_score(sums[static_cast<std::size_t>(r)]);
  }
  return scores;
}

template <Scalar T>
IsolationForestModel<T> IsolationForest<T>::fit(const MatrixRef<T>& X) const {
  IsolationForestModel<T> model = grow(X);
  summarize(model, model.score_rows(X(summary_sample(X.rows()), Eigen::all)));
  return model;
}

template <Scalar T>
FitScore<IsolationForestModel<T>> IsolationForest<T>::fit_score(const MatrixRef<T>& X) const {
  IsolationForestModel<T> model = grow(X);
  Vector<T> scores = model.score_rows(X);
  summarize(model, scores(summary_sample(X.rows())));
  return {std::move(model), std::move(scores)};
}

/// The rows the summary comes from, ascending: all n when n <= summary_rows, else one uniform in
/// each of summary_rows equal strata, drawn with the seed (independently of the trees).
template <Scalar T>
std::vector<Index> IsolationForest<T>::summary_sample(Index n) const {
  std::vector<Index> rows(static_cast<std::size_t>(std::min(n, summary_rows)));
  if (n <= summary_rows) {
    std::iota(rows.begin(), rows.end(), Index{0});
    return rows;
  }
  Random random = Random(this->params_.seed).split(~std::uint64_t{0});
  const double stratum = static_cast<double>(n) / static_cast<double>(summary_rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double at = (static_cast<double>(i) + uniform_real(random)) * stratum;
    rows[i] = std::min(n - 1, static_cast<Index>(at));
  }
  return rows;
}

template <Scalar T>
void IsolationForest<T>::summarize(IsolationForestModel<T>& model,
                                   const Vector<T>& sample_scores) const {
  model.training_summary = ScoreSummary<T>::of(sample_scores);
  model.threshold = resolve(this->params_.threshold, model.training_summary);
}

template <Scalar T>
IsolationForestModel<T> IsolationForest<T>::grow(const MatrixRef<T>& X) const {
  raise_if(check(this->params_, X));
  const IsolationForestParams& params = this->params_;
  const Index n = X.rows(), d = X.cols();
  IsolationForestModel<T> model;
  model.features = d;
  model.sample_size = std::min(params.max_samples, n);
  model.path_normalizer_ = detail::average_path_length(model.sample_size);
  model.extension_level = params.extension_level;
  if (params.extension_level > 0) model.normals.assign(static_cast<std::size_t>(d), T(0));
  int max_depth = 0;  // ceil(log2 psi), as the paper and scikit-learn
  while ((Index{1} << max_depth) < model.sample_size) ++max_depth;
  const auto leaf_index = static_cast<std::uint32_t>(params.extension_level == 0 ? d : 0);

  // Rows, features and axis-parallel splits are drawn as scikit-learn draws them for
  // random_state = seed, so that both grow the same trees (docs/detectors/isolation_forest.md).
  detail::ForestSeeds seeds(params.seed);
  const auto rows = static_cast<std::uint32_t>(n);
  const auto psi = static_cast<std::uint32_t>(model.sample_size);
  const auto seen = static_cast<std::uint32_t>(detail::features_per_tree(params.max_features, d));
  detail::TreeSample<T> sample;
  sample.data = X.data();
  sample.stride = X.outerStride();
  std::vector<std::uint32_t> scratch;
  std::vector<detail::IsolationNode<T>> tree;
  for (Index t = 0; t < params.n_trees; ++t) {
    const detail::TreeSeeds seed = seeds.next();
    detail::LegacyRandomState bagging(seed.bagging);
    detail::sample_without_replacement(static_cast<std::uint32_t>(d), seen, bagging,
                                       sample.features, scratch);
    if (params.bootstrap) {  // a row drawn twice counts once, as its weight does there
      sample.rows.resize(psi);
      for (std::uint32_t& row : sample.rows) row = bagging.bounded(rows - 1);
      std::sort(sample.rows.begin(), sample.rows.end());
      sample.rows.erase(std::unique(sample.rows.begin(), sample.rows.end()), sample.rows.end());
    } else {
      detail::sample_without_replacement(rows, psi, bagging, sample.rows, scratch);
    }
    int depth = 0;
    if (params.extension_level == 0) {
      detail::AxisSplitter<T> splitter(sample, seed.splitter);
      depth = detail::grow_tree(sample, max_depth, leaf_index, splitter, tree);
    } else {
      detail::ExtendedSplitter<T> splitter(sample, params.extension_level, d,
                                           Random(params.seed).split(static_cast<std::uint64_t>(t)),
                                           model.normals);
      depth = detail::grow_tree(sample, max_depth, leaf_index, splitter, tree);
    }
    if (model.nodes.size() + tree.size() > std::numeric_limits<std::uint32_t>::max()) {
      raise(Error::make(ErrorCode::invalid_parameter,
                        "the forest would exceed 2^32 nodes: lower n_trees or max_samples"));
    }
    model.tree_start.push_back(static_cast<std::uint32_t>(model.nodes.size()));
    model.tree_depth.push_back(static_cast<std::uint8_t>(depth));
    model.nodes.insert(model.nodes.end(), tree.begin(), tree.end());
  }
  return model;
}

template <Scalar T>
void IsolationForestModel<T>::write(ByteWriter& writer) const {
  writer.write(static_cast<std::uint64_t>(features));
  writer.write(static_cast<std::uint64_t>(sample_size));
  writer.write(static_cast<std::int32_t>(extension_level));
  writer.write(static_cast<std::uint64_t>(tree_start.size()));
  for (std::size_t t = 0; t < tree_start.size(); ++t) {
    writer.write(tree_start[t]);
    writer.write(tree_depth[t]);
  }
  writer.write(static_cast<std::uint64_t>(nodes.size()));
  for (const Node& node : nodes) {
    writer.write(node.value);
    writer.write(node.left);
    writer.write(node.index);
  }
  writer.write(static_cast<std::uint64_t>(normals.size()));
  for (const T value : normals) writer.write(value);
  writer.write(threshold);
  training_summary.write(writer);
}

template <Scalar T>
IsolationForestModel<T> IsolationForestModel<T>::read(ByteReader& reader) {
  IsolationForestModel model;
  // Every count is checked against the bytes left before anything is allocated.
  const auto count = [&reader](std::size_t item_bytes, const char* what) -> std::size_t {
    const auto declared = reader.read<std::uint64_t>(what);
    if (reader.error()) return 0;
    if (declared > reader.remaining() / item_bytes) {
      reader.fail("bad count %llu of %s at byte %zu", static_cast<unsigned long long>(declared),
                  what, reader.offset());
      return 0;
    }
    return static_cast<std::size_t>(declared);
  };
  model.features = static_cast<Index>(reader.read<std::uint64_t>("feature count"));
  model.sample_size = static_cast<Index>(reader.read<std::uint64_t>("sample size"));
  model.extension_level = reader.read<std::int32_t>("extension level");
  const std::size_t trees = count(sizeof(std::uint32_t) + 1, "trees");
  model.tree_start.resize(trees);
  model.tree_depth.resize(trees);
  for (std::size_t t = 0; t < trees; ++t) {
    model.tree_start[t] = reader.read<std::uint32_t>("tree start");
    model.tree_depth[t] = reader.read<std::uint8_t>("tree depth");
  }
  const std::size_t node_count = count(sizeof(T) + 2 * sizeof(std::uint32_t), "nodes");
  model.nodes.resize(node_count);
  for (Node& node : model.nodes) {
    node.value = reader.read<T>("node value");
    node.left = reader.read<std::uint32_t>("node child");
    node.index = reader.read<std::uint32_t>("node feature");
  }
  model.normals.resize(count(sizeof(T), "normal vectors"));
  for (T& value : model.normals) value = reader.read<T>("normal vector");
  model.threshold = reader.read<T>("threshold");
  model.training_summary = ScoreSummary<T>::read(reader);
  model.path_normalizer_ = detail::average_path_length(model.sample_size);
  if (!reader.error() && !model.consistent()) {
    reader.fail("inconsistent isolation trees before byte %zu", reader.offset());
  }
  return model;
}

/// Every index in range, every node reached once, every walk of tree_depth steps ends on a leaf,
/// every leaf's path length possible: what scoring relies on.
template <Scalar T>
bool IsolationForestModel<T>::consistent() const {
  if (features < 1 || features > (Index{1} << 31) || sample_size < 2 ||
      sample_size > (Index{1} << 30) || extension_level < 0 || tree_start.empty() ||
      std::isnan(threshold)) {
    return false;
  }
  const bool extended = extension_level > 0;
  const auto width = static_cast<std::size_t>(features);
  if (extended &&
      (extension_level >= features || normals.size() % width != 0 || normals.size() < width)) {
    return false;
  }
  if (!extended && !normals.empty()) return false;
  for (std::size_t j = 0; extended && j < width; ++j) {
    if (normals[j] != T(0)) return false;  // the leaves' row
  }
  for (const T value : normals) {
    if (!std::isfinite(value)) return false;
  }
  const std::size_t normal_rows = normals.size() / width;
  const auto leaf_index = static_cast<std::uint32_t>(extended ? 0 : features);
  const double longest_leaf = path_normalizer_ * (1 + 1e-6) + 1e-6;
  constexpr std::uint8_t unseen = 0xff;
  std::vector<std::uint8_t> depth;  // of each node of the tree, from its parent's
  for (std::size_t t = 0; t < tree_start.size(); ++t) {
    const std::size_t begin = tree_start[t];
    const std::size_t end = t + 1 < tree_start.size() ? tree_start[t + 1] : nodes.size();
    if (begin >= end || end > nodes.size()) return false;
    depth.assign(end - begin, unseen);
    depth[0] = 0;
    int deepest = 0;
    for (std::size_t local = 0; local < end - begin; ++local) {  // children follow parents
      const Node& node = nodes[begin + local];
      const int at = depth[local];
      if (at == unseen || !std::isfinite(node.value)) return false;  // unreachable
      if (node.left == local) {  // a leaf: depth + c(its rows), its rows at most psi
        const double value = static_cast<double>(node.value);
        if (node.index != leaf_index || value < at || value > at + longest_leaf) return false;
        deepest = std::max(deepest, at);
        continue;
      }
      if (node.left <= local || node.left + std::size_t{2} > end - begin || at >= 64 ||
          depth[node.left] != unseen || depth[node.left + 1] != unseen ||
          (extended ? node.index == 0 || node.index >= normal_rows
                    : node.index >= static_cast<std::uint32_t>(features))) {
        return false;
      }
      depth[node.left] = depth[node.left + 1] = static_cast<std::uint8_t>(at + 1);
    }
    if (tree_depth[t] != deepest) return false;  // every walk must end on a leaf
  }
  return true;
}

static_assert(Detector<IsolationForest<double>> && Detector<IsolationForest<float>>);
static_assert(Serializable<IsolationForestModel<double>>);

}  // namespace anomaly
