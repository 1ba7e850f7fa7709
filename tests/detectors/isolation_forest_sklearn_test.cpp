// IsolationForest grows scikit-learn's trees: for the same seed it draws the same rows, features
// and thresholds, so its node counts and (exact-c) scores equal those of scikit-learn's fitted
// trees (tests/reference/make_isolation_forest_trees.py). Also NumPy's legacy seeding.
#include <anomaly/detail/scikit_learn_random.hpp>
#include <anomaly/detectors.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "synthetic.hpp"

using Catch::Matchers::WithinRel;

namespace {
const std::string test_data_dir = ANOMALY_TEST_DATA;

std::vector<std::vector<std::string>> read_rows(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string>& cells = rows.emplace_back();
    std::stringstream stream(line);
    for (std::string cell; std::getline(stream, cell, ',');) cells.push_back(cell);
    if (line.back() == ',') cells.emplace_back();
  }
  return rows;
}

/// What the script recorded for one case.
struct Expected {
  std::vector<double> node_counts;
  std::vector<double> scores;
};

std::map<std::string, Expected> read_expected() {
  std::map<std::string, Expected> cases;
  for (const auto& cells : read_rows(test_data_dir + "/isolation_forest_trees.csv")) {
    REQUIRE(cells.size() == 4);
    Expected& expected = cases[cells[0]];
    auto& values = cells[1] == "nodes" ? expected.node_counts : expected.scores;
    REQUIRE(std::stoul(cells[2]) == values.size());
    values.push_back(std::stod(cells[3]));
  }
  return cases;
}

using anomaly::testing::mix;  // the script's 32-bit hash

/// The script's matrix for a case: hashed multiples of 2^-24, then its alteration.
anomaly::Matrix<double> case_matrix(Eigen::Index rows, Eigen::Index columns, std::uint32_t salt,
                                    const std::string& alteration) {
  anomaly::Matrix<double> X(rows, columns);
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < columns; ++j) {
      const auto key = static_cast<std::uint32_t>(i * 1000 + j) + salt;
      X(i, j) = static_cast<double>(mix(key) >> 8) / 16777216.0;
    }
  }
  if (alteration == "constants") {
    X.col(2).setConstant(0.5);
    X.col(4) = (X.col(4) * 2).array().floor() / 2;
    for (Eigen::Index i = 100; i < 200; ++i) X.row(i) = X.row(0);
  } else if (alteration == "quantized") {
    X = (X * 8).array().floor() / 8;
  }
  return X;
}

struct Case {
  const char* name;
  Eigen::Index rows, columns;
  std::uint32_t salt;
  anomaly::IsolationForestParams params;
  Eigen::Index scored;
  const char* alteration;
};

anomaly::IsolationForestParams params(std::uint64_t seed, anomaly::Index trees = 100,
                                      anomaly::Index max_samples = 256, double max_features = 1.0,
                                      bool bootstrap = false) {
  anomaly::IsolationForestParams p;
  p.seed = seed;
  p.n_trees = trees;
  p.max_samples = max_samples;
  p.max_features = max_features;
  p.bootstrap = bootstrap;
  return p;
}

/// The script's CASES.
const Case cases[] = {
    {"shuffled_rows", 1000, 5, 1, params(0), 1000, ""},
    {"constants_and_duplicates", 300, 6, 2, params(7), 300, "constants"},
    {"tracked_rows", 30000, 3, 3, params(42, 20), 500, ""},
    {"feature_subsets_bootstrap", 1000, 8, 4, params(12345, 100, 100, 0.5, true), 1000, ""},
    {"reservoir_rows", 257, 4, 5, params(3), 257, ""},
    {"quantized", 2000, 4, 6, params(99, 100, 64), 2000, "quantized"},
};

template <class T>
void check_case(const Case& c, const Expected& expected) {
  const anomaly::Matrix<T> X = case_matrix(c.rows, c.columns, c.salt, c.alteration).cast<T>();
  const auto model = anomaly::IsolationForest<T>(c.params).fit(X);
  REQUIRE(static_cast<std::size_t>(model.n_trees()) == expected.node_counts.size());
  for (std::size_t t = 0; t < expected.node_counts.size(); ++t) {
    const std::size_t end =
        t + 1 < model.tree_start.size() ? model.tree_start[t + 1] : model.nodes.size();
    INFO("tree " << t);
    CHECK(static_cast<double>(end - model.tree_start[t]) == expected.node_counts[t]);
  }
  const anomaly::Vector<T> scores = model.score(X.topRows(c.scored));
  REQUIRE(static_cast<std::size_t>(scores.size()) == expected.scores.size());
  // Leaf path lengths are stored in T: float keeps about 7 digits of them.
  const double tolerance = sizeof(T) == sizeof(double) ? 1e-13 : 2e-6;
  for (Eigen::Index i = 0; i < scores.size(); ++i) {
    INFO("row " << i);
    CHECK_THAT(static_cast<double>(scores[i]),
               WithinRel(expected.scores[static_cast<std::size_t>(i)], tolerance));
  }
}
}  // namespace

TEST_CASE("IsolationForest grows scikit-learn's trees for the same seed", "[isolation_forest]") {
  const auto expected = read_expected();
  REQUIRE(expected.size() == std::size(cases));
  for (const Case& c : cases) {
    INFO(c.name);
    REQUIRE(expected.count(c.name) == 1);
    check_case<double>(c, expected.at(c.name));
    check_case<float>(c, expected.at(c.name));
  }
}

TEST_CASE("LegacyRandomState draws NumPy's RandomState numbers", "[isolation_forest]") {
  const auto rows = read_rows(test_data_dir + "/numpy_legacy_random.csv");
  REQUIRE(rows.size() == 4);
  for (const auto& cells : rows) {
    REQUIRE(cells.size() == 11);
    std::uint64_t seed = std::stoull(cells[0]);
    if (!cells[1].empty()) seed |= std::stoull(cells[1]) << 32;
    INFO("seed " << seed);
    anomaly::detail::LegacyRandomState random(seed);
    const auto bound = static_cast<std::uint32_t>(std::stoul(cells[2]));
    for (std::size_t k = 3; k < cells.size(); ++k) {
      CHECK(random.bounded(bound) == std::stoul(cells[k]));
    }
  }
}

TEST_CASE("MersenneTwister gives std::mt19937's words", "[isolation_forest]") {
  for (const std::uint32_t seed : {0u, 1u, 5489u, 4294967295u}) {
    INFO("seed " << seed);
    anomaly::detail::MersenneTwister ours(seed);
    std::mt19937 standard(seed);
    CHECK(anomaly::detail::MersenneTwister::first_word(seed) == standard());
    standard.seed(seed);
    bool same = true;
    for (int i = 0; i < 5000; ++i) same = same && ours() == standard();
    CHECK(same);
    // The first bounded draw, short-cut or not, is RandomState(seed).randint(max + 1)'s.
    for (const std::uint32_t max : {0u, 6u, 1000u, 0x7FFFFFFEu}) {
      CHECK(anomaly::detail::LegacyRandomState::first_bounded(seed, max) ==
            anomaly::detail::LegacyRandomState(seed).bounded(max));
    }
  }
  // The standard's own check: the 10000th word from the default seed.
  anomaly::detail::MersenneTwister ours(5489u);
  for (int i = 1; i < 10000; ++i) ours();
  CHECK(ours() == 4123659995u);
}
