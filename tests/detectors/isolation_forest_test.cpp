// IsolationForest: its quality against scikit-learn on three real data sets (ROC-AUC per seed and
// over seeds, from tests/reference/make_isolation_forest_reference.py), the normalizing constant
// c(n), edge cases of fitting, the extended forest, and load() rejecting inconsistent trees.
#include <anomaly/core/random.hpp>
#include <anomaly/core/serialize.hpp>
#include <anomaly/detectors.hpp>
#include <anomaly/metrics.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"
#include "synthetic.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const std::string test_data_dir = ANOMALY_TEST_DATA;
const std::string demo_data_dir = ANOMALY_DEMO_DATA;

using anomaly::testing::LabelledSet;
using anomaly::testing::read_labelled;

/// scikit-learn's ROC-AUC for seeds 0..4 on the set `name`.
std::vector<double> sklearn_aucs(const std::string& name) {
  return anomaly::testing::seed_aucs(test_data_dir + "/isolation_forest_reference.csv", name);
}

/// Our ROC-AUC for seeds 0..4, fitted and scored on all rows.
template <class T>
std::vector<double> our_aucs(const LabelledSet& set) {
  const anomaly::Matrix<T> X = set.X.cast<T>();
  std::vector<double> aucs;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto fitted = anomaly::fit_score(anomaly::IsolationForest<T>({.seed = seed}), X);
    aucs.push_back(anomaly::roc_auc(fitted.scores, set.labels));
  }
  return aucs;
}

double mean(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

/// The same seed grows scikit-learn's trees, so each seed's ROC-AUC is close to its, not only the
/// mean; what remains comes from scikit-learn's approximate c(n) and its float32 data.
void check_against_sklearn(const std::string& name, const std::string& path, Eigen::Index rows,
                           Eigen::Index features) {
  const auto set = read_labelled(path, rows, features);
  const auto reference = sklearn_aucs(name);
  const auto ours = our_aucs<double>(set);
  const auto ours_float = our_aucs<float>(set);
  for (std::size_t seed = 0; seed < reference.size(); ++seed) {
    INFO(name << ", seed " << seed << ": scikit-learn " << reference[seed] << ", ours "
              << ours[seed] << " (double), " << ours_float[seed] << " (float)");
    CHECK_THAT(ours[seed], WithinAbs(reference[seed], 0.005));
    CHECK_THAT(ours_float[seed], WithinAbs(reference[seed], 0.005));
  }
  INFO(name << ": mean over 5 seeds, scikit-learn " << mean(reference) << ", ours " << mean(ours)
            << " (double), " << mean(ours_float) << " (float)");
  CHECK_THAT(mean(ours), WithinAbs(mean(reference), 0.003));
  CHECK_THAT(mean(ours_float), WithinAbs(mean(reference), 0.003));
}

/// Rows of N(0, 1) features, seeded.
template <class T = double>
anomaly::Matrix<T> gaussian(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  anomaly::Random random(seed);
  anomaly::Matrix<T> X(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) X(i, j) = anomaly::normal<T>(random);
  }
  return X;
}

template <class T>
void require_scores_in_unit_interval(const anomaly::Vector<T>& scores) {
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    INFO("row " << i << " score " << scores[i]);
    REQUIRE(std::isfinite(scores[i]));
    REQUIRE(scores[i] > T(0));
    REQUIRE(scores[i] <= T(1));
  }
}

/// How many rows score strictly above row `row`.
template <class T>
Eigen::Index rows_above(const anomaly::Vector<T>& scores, Eigen::Index row) {
  return (scores.array() > scores[row]).count();
}

/// c(n) summed from its definition in long double, the smallest terms first.
long double reference_path_length(std::int64_t n) {
  long double harmonic = 0.0L;
  for (std::int64_t i = n - 1; i >= 1; --i) harmonic += 1.0L / static_cast<long double>(i);
  return 2.0L * harmonic - 2.0L * static_cast<long double>(n - 1) / static_cast<long double>(n);
}

template <class Model>
std::optional<anomaly::Error> reload(const Model& model) {
  Model loaded{};
  return anomaly::try_load(anomaly::save(model), loaded);
}

/// `model` changed by `change` saves with a valid checksum, yet fails to load as corrupt, and a
/// failed try_load leaves its target as it was.
template <class Model, class Change>
void require_corrupt(const Model& model, Change&& change, const char* what) {
  INFO(what);
  Model bad = model;
  change(bad);
  const auto error = reload(bad);
  REQUIRE(error.has_value());
  CHECK(error->code() == anomaly::ErrorCode::corrupt_model);
  Model target = model;
  CHECK(anomaly::try_load(anomaly::save(bad), target).has_value());
  CHECK(anomaly::save(target) == anomaly::save(model));
}

/// The index, inside the whole `nodes` vector, of the first split (or leaf) of tree `t`.
template <class Model>
std::size_t find_node(const Model& model, std::size_t t, bool split) {
  const std::size_t begin = model.tree_start[t];
  const std::size_t end =
      t + 1 < model.tree_start.size() ? model.tree_start[t + 1] : model.nodes.size();
  for (std::size_t i = begin; i < end; ++i) {
    const bool is_leaf = model.nodes[i].left == i - begin;
    if (is_leaf != split) return i;
  }
  FAIL("tree " << t << " has no " << (split ? "split" : "leaf"));
  return 0;
}

/// A forest of only tree `t` of `model`, to look at one tree's walks through score_one.
template <class Model>
Model single_tree(const Model& model, std::size_t t) {
  const std::size_t begin = model.tree_start[t];
  const std::size_t end =
      t + 1 < model.tree_start.size() ? model.tree_start[t + 1] : model.nodes.size();
  Model tree = model;
  tree.nodes.assign(model.nodes.begin() + static_cast<std::ptrdiff_t>(begin),
                    model.nodes.begin() + static_cast<std::ptrdiff_t>(end));
  tree.tree_start = {0};
  tree.tree_depth = {model.tree_depth[t]};
  return tree;
}

using anomaly::testing::require_error;
}  // namespace

// --- Against scikit-learn --------------------------------------------------------------------

TEST_CASE("IsolationForest matches scikit-learn's ROC-AUC seed by seed on breastw",
          "[isolation_forest]") {
  check_against_sklearn("breastw", test_data_dir + "/breastw.csv", 683, 9);
}

TEST_CASE("IsolationForest matches scikit-learn's ROC-AUC seed by seed on ionosphere",
          "[isolation_forest]") {
  check_against_sklearn("ionosphere", test_data_dir + "/ionosphere.csv", 351, 33);
}

TEST_CASE("IsolationForest matches scikit-learn's ROC-AUC seed by seed on thyroid",
          "[isolation_forest]") {
  check_against_sklearn("thyroid", demo_data_dir + "/thyroid.csv", 3772, 6);
}

// --- c(n) ------------------------------------------------------------------------------------

TEST_CASE("average_path_length is 2 H(n - 1) - 2 (n - 1) / n", "[isolation_forest]") {
  using anomaly::detail::average_path_length;
  CHECK(average_path_length(0) == 0.0);
  CHECK(average_path_length(1) == 0.0);
  CHECK(average_path_length(2) == 1.0);                                      // H(1) = 1: 2 - 1
  REQUIRE_THAT(average_path_length(3), WithinRel(5.0 / 3.0, 1e-15));         // 2 * 3/2 - 4/3
  REQUIRE_THAT(average_path_length(4), WithinRel(11.0 / 3.0 - 1.5, 1e-15));  // 2 * 11/6 - 6/4
  double harmonic = 0.0;
  for (int i = 1; i <= 255; ++i) harmonic += 1.0 / i;
  REQUIRE_THAT(average_path_length(256), WithinRel(2.0 * harmonic - 2.0 * 255.0 / 256.0, 1e-14));
  for (std::int64_t n = 2; n <= 4200; n += 7) {
    INFO("n = " << n);
    REQUIRE_THAT(average_path_length(n),
                 WithinRel(static_cast<double>(reference_path_length(n)), 1e-14));
  }
}

TEST_CASE("average_path_length is continuous where the asymptotic series takes over",
          "[isolation_forest]") {
  using anomaly::detail::average_path_length;
  // Summed for n - 1 <= 4096 terms, the series from n = 4098 on.
  for (std::int64_t n : {4096, 4097, 4098, 4099, 5000, 10000, 1000000}) {
    INFO("n = " << n);
    const long double reference = reference_path_length(n);
    const double relative =
        std::fabs(static_cast<double>((average_path_length(n) - reference) / reference));
    CHECK(relative < 1e-12);
  }
  // No jump at the switch: each step is the true c(n) - c(n - 1) = 2 / n (to 1e-9 of a step of
  // 5e-4, i.e. 5e-13 absolute).
  for (std::int64_t n : {4096, 4097, 4098, 4099}) {
    INFO("step from " << n - 1 << " to " << n);
    const double step = average_path_length(n) - average_path_length(n - 1);
    REQUIRE_THAT(step, WithinRel(2.0 / static_cast<double>(n), 1e-9));
  }
}

// --- Fitting ---------------------------------------------------------------------------------

TEST_CASE("IsolationForest scores lie in the unit interval and rank planted outliers first",
          "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(300, 10, 3, 7);
  const auto fitted = anomaly::fit_score(anomaly::IsolationForest<double>({.seed = 3}), data.X);
  require_scores_in_unit_interval(fitted.scores);
  CHECK(anomaly::roc_auc(fitted.scores, data.labels) > 0.99);
  require_scores_in_unit_interval(fitted.model.score(gaussian(50, 3, 8) * 100.0));
}

TEST_CASE("IsolationForest gives equal training rows the score 2^-1", "[isolation_forest]") {
  const anomaly::Matrix<double> X = anomaly::Matrix<double>::Constant(50, 3, 7.25);
  const auto fitted = anomaly::fit_score(anomaly::IsolationForest<double>({.seed = 1}), X);
  CHECK(fitted.model.sample_size == 50);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    CHECK(fitted.scores[i] == fitted.scores[0]);
  }
  REQUIRE_THAT(fitted.scores[0], WithinAbs(0.5, 1e-15));
  // Every tree is one leaf of 50 rows, so any row lands there.
  CHECK(fitted.model.nodes.size() == 100);
  const auto far = fitted.model.score(anomaly::Matrix<double>::Constant(1, 3, -1e6));
  CHECK(far[0] == fitted.scores[0]);

  const auto extended =
      anomaly::fit_score(anomaly::IsolationForest<double>({.extension_level = 2, .seed = 1}), X);
  for (Eigen::Index i = 0; i < X.rows(); ++i) CHECK(extended.scores[i] == extended.scores[0]);
  require_scores_in_unit_interval(extended.scores);
}

TEST_CASE("IsolationForest on fewer rows than max_samples uses them all with height limit 4",
          "[isolation_forest]") {
  const auto X = gaussian(10, 2, 11);
  const auto fitted = anomaly::fit_score(anomaly::IsolationForest<double>({.seed = 5}), X);
  CHECK(fitted.model.sample_size == 10);
  CHECK(fitted.model.n_trees() == 100);
  // ceil(log2 10) = 4; 10 distinct rows cannot all be isolated within depth 3 (8 leaves), and a
  // leaf of 2+ distinct rows above the limit splits, so every tree reaches the limit exactly.
  for (const std::uint8_t depth : fitted.model.tree_depth) CHECK(depth == 4);
  require_scores_in_unit_interval(fitted.scores);

  // 9 equal rows and 1 other: every root splits them apart, the other row alone at depth 1
  // (path 1), the 9 in a leaf that cannot split (path 1 + c(9)); scores are normalized by c(10).
  anomaly::Matrix<double> Y = anomaly::Matrix<double>::Zero(10, 2);
  Y.row(9) << 1.0, -1.0;
  const auto split = anomaly::fit_score(anomaly::IsolationForest<double>({.seed = 5}), Y);
  using anomaly::detail::average_path_length;
  for (const std::uint8_t depth : split.model.tree_depth) CHECK(depth == 1);
  CHECK(split.model.nodes.size() == 300);
  REQUIRE_THAT(split.scores[9], WithinRel(std::exp2(-1.0 / average_path_length(10)), 1e-14));
  for (Eigen::Index i = 0; i < 9; ++i) {
    REQUIRE_THAT(
        split.scores[i],
        WithinRel(std::exp2(-(1.0 + average_path_length(9)) / average_path_length(10)), 1e-14));
  }
}

TEST_CASE("IsolationForest fits a single column", "[isolation_forest]") {
  anomaly::Matrix<double> X = gaussian(200, 1, 13);
  X(17, 0) = 25.0;
  const auto fitted = anomaly::fit_score(anomaly::IsolationForest<double>({.seed = 2}), X);
  require_scores_in_unit_interval(fitted.scores);
  CHECK(rows_above(fitted.scores, 17) == 0);
  for (std::size_t i = 0; i < fitted.model.nodes.size(); ++i) {
    const auto& node = fitted.model.nodes[i];
    CHECK((node.index == 0 || node.index == 1));  // the feature, or the leaves' marker (= d)
  }
}

TEST_CASE("IsolationForest gives duplicated rows finite scores", "[isolation_forest]") {
  anomaly::Matrix<double> X(120, 3);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const double value = static_cast<double>(i % 3);  // 3 distinct rows, 40 copies each
    X.row(i) << value, -value, 2.0 * value;
  }
  X.row(119) << 9.0, 9.0, 9.0;
  for (const int level : {0, 2}) {
    const auto fitted = anomaly::fit_score(
        anomaly::IsolationForest<double>({.extension_level = level, .seed = 4}), X);
    INFO("extension_level " << level);
    require_scores_in_unit_interval(fitted.scores);
    for (Eigen::Index i = 3; i < 119; ++i) CHECK(fitted.scores[i] == fitted.scores[i % 3]);
    CHECK(rows_above(fitted.scores, 119) == 0);
  }
}

TEST_CASE("IsolationForest with bootstrap draws rows with replacement", "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(300, 10, 3, 19);
  const auto with =
      anomaly::fit_score(anomaly::IsolationForest<double>({.bootstrap = true, .seed = 6}), data.X);
  const auto without = anomaly::IsolationForest<double>({.seed = 6}).fit(data.X);
  require_scores_in_unit_interval(with.scores);
  CHECK(anomaly::roc_auc(with.scores, data.labels) > 0.99);
  CHECK(anomaly::save(with.model) != anomaly::save(without));

  // psi = n = 2 distinct rows: without replacement every tree splits them (depth 1); with
  // replacement, half the trees draw one row twice and are a single leaf (depth 0).
  const auto X = gaussian(2, 2, 59);
  const auto both = anomaly::IsolationForest<double>({.seed = 6}).fit(X);
  const auto drawn = anomaly::IsolationForest<double>({.bootstrap = true, .seed = 6}).fit(X);
  CHECK(std::count(both.tree_depth.begin(), both.tree_depth.end(), 1) == 100);
  const auto single_leaves = std::count(drawn.tree_depth.begin(), drawn.tree_depth.end(), 0);
  CHECK(single_leaves > 25);  // binomial(100, 1/2): 25 is 5 standard deviations out
  CHECK(single_leaves < 75);
  CHECK(std::count(drawn.tree_depth.begin(), drawn.tree_depth.end(), 1) == 100 - single_leaves);
}

TEST_CASE("IsolationForest max_features restricts each tree's features", "[isolation_forest]") {
  anomaly::Matrix<double> X = gaussian(500, 4, 23);
  X(42, 2) = 40.0;  // far out in feature 2 only
  double rank_sum = 0.0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    INFO("seed " << seed);
    const auto fitted = anomaly::fit_score(
        anomaly::IsolationForest<double>({.max_features = 0.25, .seed = seed}), X);
    const auto& model = fitted.model;
    require_scores_in_unit_interval(fitted.scores);
    rank_sum += static_cast<double>(rows_above(fitted.scores, 42));
    std::set<std::uint32_t> used;
    int blind = 0;  // trees that do not see feature 2
    for (std::size_t t = 0; t < model.tree_start.size(); ++t) {
      INFO("tree " << t);
      const auto tree = single_tree(model, t);
      std::set<std::uint32_t> features;
      for (std::size_t i = 0; i < tree.nodes.size(); ++i) {
        if (tree.nodes[i].left != i) features.insert(tree.nodes[i].index);
      }
      REQUIRE(features.size() == 1);  // floor(0.25 * 4) = 1 feature per tree
      used.insert(*features.begin());
      if (*features.begin() == 2) continue;
      // A tree blind to feature 2 walks row 42 as if its feature 2 were anything else.
      ++blind;
      anomaly::RowVector<double> moved = X.row(42);
      moved[2] = 0.0;
      REQUIRE(tree.score_one(moved) == tree.score_one(X.row(42)));
    }
    CHECK(used == std::set<std::uint32_t>{0, 1, 2, 3});
    CHECK(blind > 50);  // binomial(100, 3/4): 50 is 5.8 standard deviations out
    CHECK(blind < 100);
  }
  // About a quarter of the trees isolate row 42 in a step or two; the rest see an ordinary row.
  // On average over the seeds it still ranks in the top 10% of 500 rows (random: 250).
  CHECK(rank_sum / 5.0 < 50.0);

  // Each tree sees 2 of 4 features: extension_level 1 is the most it can use.
  CHECK_NOTHROW(
      anomaly::IsolationForest<double>({.max_features = 0.5, .extension_level = 1}).fit(X));
  require_error(
      [&] {
        (void)anomaly::IsolationForest<double>({.max_features = 0.5, .extension_level = 2}).fit(X);
      },
      anomaly::ErrorCode::invalid_parameter, "extension_level");
}

TEST_CASE("IsolationForest models depend on the seed alone", "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(300, 10, 3, 29);
  for (const int level : {0, 1}) {
    INFO("extension_level " << level);
    const auto a = anomaly::IsolationForest<double>({.extension_level = level, .seed = 1});
    const auto b = anomaly::IsolationForest<double>({.extension_level = level, .seed = 2});
    CHECK(anomaly::save(a.fit(data.X)) == anomaly::save(a.fit(data.X)));
    CHECK(anomaly::save(a.fit(data.X)) != anomaly::save(b.fit(data.X)));
    CHECK(a.fit(data.X).score(data.X) != b.fit(data.X).score(data.X));
  }
}

TEST_CASE("IsolationForest extension_level 1 to d - 1 gives oblique splits", "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(300, 10, 4, 31);
  const auto axis = anomaly::IsolationForest<double>({.seed = 9}).fit(data.X);
  CHECK(axis.normals.empty());
  const auto axis_scores = axis.score(data.X);
  for (const int level : {1, 2, 3}) {
    INFO("extension_level " << level);
    const auto fitted = anomaly::fit_score(
        anomaly::IsolationForest<double>({.extension_level = level, .seed = 9}), data.X);
    const auto& model = fitted.model;
    require_scores_in_unit_interval(fitted.scores);
    CHECK(anomaly::roc_auc(fitted.scores, data.labels) > 0.99);
    CHECK(fitted.scores != axis_scores);
    CHECK((fitted.scores - axis_scores).cwiseAbs().maxCoeff() > 1e-3);
    // Row 0 of the normals is the leaves' zeros; every other row has level + 1 components.
    REQUIRE(model.normals.size() % 4 == 0);
    REQUIRE(model.normals.size() > 4);
    for (std::size_t row = 0; row < model.normals.size() / 4; ++row) {
      const auto first = model.normals.begin() + static_cast<std::ptrdiff_t>(row * 4);
      const auto nonzero = std::count_if(first, first + 4, [](double v) { return v != 0.0; });
      CHECK(nonzero == (row == 0 ? 0 : level + 1));
    }
  }
}

TEST_CASE("IsolationForest rejects extension_level >= the features each tree sees",
          "[isolation_forest]") {
  const auto X = gaussian(50, 4, 37);
  for (const int level : {4, 5, 100}) {
    INFO("extension_level " << level);
    require_error(
        [&] { (void)anomaly::IsolationForest<double>({.extension_level = level}).fit(X); },
        anomaly::ErrorCode::invalid_parameter, "extension_level");
  }
  require_error(
      [&] {
        (void)anomaly::IsolationForest<double>({.extension_level = 1}).fit(gaussian(50, 1, 37));
      },
      anomaly::ErrorCode::invalid_parameter, "extension_level");
  require_error([] { (void)anomaly::IsolationForest<double>({.extension_level = -1}); },
                anomaly::ErrorCode::invalid_parameter, "extension_level");
}

// --- Loading ---------------------------------------------------------------------------------

TEST_CASE("IsolationForest load rejects axis-parallel trees that walk out of bounds",
          "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(200, 5, 3, 41);
  const auto model = anomaly::IsolationForest<double>({.n_trees = 10, .seed = 1}).fit(data.X);
  REQUIRE_FALSE(reload(model).has_value());
  const std::size_t last_tree = model.tree_start.size() - 1;

  const auto corrupt = [&](auto&& change, const char* what) {
    require_corrupt(model, change, what);
  };
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, true)].left = 1000000; }, "split child far out");
  corrupt(
      [&](auto& m) {
        const std::size_t k = find_node(m, last_tree, true);
        m.nodes[k].left = static_cast<std::uint32_t>(m.nodes.size() - 1 - m.tree_start[last_tree]);
      },
      "split child's sibling past the tree");
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, true)].left = 0; }, "split child back to root");
  corrupt([&](auto& m) { m.nodes[find_node(m, 1, true)].index = 3; }, "split feature = d");
  corrupt([&](auto& m) { m.nodes.back().index = 0; }, "last leaf reads a feature");
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, false)].value = -1.0; }, "negative leaf");
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, false)].value = std::nan(""); }, "NaN leaf");
  corrupt([&](auto& m) { m.tree_depth[2] = 200; }, "tree_depth 200");
  corrupt([&](auto& m) { m.tree_depth[2] = 0; }, "tree_depth short of its deepest leaf");
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, false)].value = 1e300; }, "leaf too long");
  corrupt([&](auto& m) { m.tree_start[last_tree] = static_cast<std::uint32_t>(m.nodes.size()); },
          "empty last tree");
  corrupt([&](auto& m) { m.tree_start[3] = m.tree_start[2]; }, "empty tree in the middle");
  corrupt([&](auto& m) { m.normals.assign(3, 0.0); }, "normals in an axis-parallel model");
  corrupt([&](auto& m) { m.features = 0; }, "no features");
}

TEST_CASE("IsolationForest load rejects extended trees with normals out of range",
          "[isolation_forest]") {
  const auto data = anomaly::testing::make_blobs<double>(200, 5, 3, 43);
  const auto model =
      anomaly::IsolationForest<double>({.n_trees = 10, .extension_level = 2, .seed = 1})
          .fit(data.X);
  REQUIRE_FALSE(reload(model).has_value());
  const auto rows = static_cast<std::uint32_t>(model.normals.size() / 3);

  const auto corrupt = [&](auto&& change, const char* what) {
    require_corrupt(model, change, what);
  };
  corrupt([&](auto& m) { m.nodes[find_node(m, 4, true)].index = rows; }, "normal row = count");
  corrupt([&](auto& m) { m.nodes[find_node(m, 4, true)].index = 1u << 30; }, "normal row far");
  corrupt([&](auto& m) { m.nodes[find_node(m, 4, true)].index = 0; }, "split on the leaves' row");
  corrupt([&](auto& m) { m.nodes[find_node(m, 4, false)].index = 1; }, "leaf on a split's row");
  corrupt([&](auto& m) { m.nodes[find_node(m, 0, true)].left = 1000000; }, "split child far out");
  corrupt([&](auto& m) { m.normals[1] = 1.0; }, "nonzero leaves' row");
  corrupt([&](auto& m) { m.normals.pop_back(); }, "normals not whole rows");
  corrupt([&](auto& m) { m.normals[5] = std::numeric_limits<double>::infinity(); }, "inf normal");
  corrupt([&](auto& m) { m.extension_level = 3; }, "extension_level = d");
  corrupt([&](auto& m) { m.tree_depth[0] = 200; }, "tree_depth 200");
}

// --- score_one -------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("IsolationForest score_one equals the batch score exactly", "[isolation_forest]",
                   float, double) {
  // 300 rows: one block of 256 and a partial one, whose last lane group is partial too.
  const auto data = anomaly::testing::make_blobs<TestType>(290, 10, 5, 47);
  const anomaly::Matrix<TestType> fresh = gaussian<TestType>(37, 5, 53) * TestType(2);
  for (const int level : {0, 1, 4}) {
    INFO("extension_level " << level);
    const auto fitted = anomaly::fit_score(
        anomaly::IsolationForest<TestType>({.extension_level = level, .seed = 3}), data.X);
    CHECK(fitted.model.score(data.X) == fitted.scores);
    for (Eigen::Index i = 0; i < data.X.rows(); ++i) {
      INFO("row " << i);
      REQUIRE(fitted.model.score_one(data.X.row(i)) == fitted.scores[i]);
    }
    const auto scores = fitted.model.score(fresh);
    for (Eigen::Index i = 0; i < fresh.rows(); ++i) {
      INFO("fresh row " << i);
      REQUIRE(fitted.model.score_one(fresh.row(i)) == scores[i]);
    }
  }
}
