// KdTree against the O(n^2 log n) oracle written here: every row sorted by (distance, index).
// The tree, the forced brute-force path and the automatic choice must all agree to the bit.
#include <anomaly/core/random.hpp>
#include <anomaly/neighbors/kd_tree.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "require_error.hpp"

namespace {

using anomaly::Index;
using anomaly::Matrix;
using anomaly::detail::KdTreeAccess;
using anomaly::detail::NeighborSearch;

/// All rows of X ordered by (squared distance to `query`, row index); the squared distance is
/// summed in T from feature 0 up with the library's rounding (add_square), as KdTree documents.
/// `exclude` = -1 keeps every row.
template <class T>
std::vector<std::pair<T, Index>> sorted_rows(const Matrix<T>& X, const T* query, Index exclude) {
  std::vector<std::pair<T, Index>> rows;
  for (Index i = 0; i < X.rows(); ++i) {
    if (i == exclude) continue;
    T sum = 0;
    for (Index j = 0; j < X.cols(); ++j) {
      sum = anomaly::detail::add_square(sum, query[j] - X(i, j));  // FMA where the target has it
    }
    rows.push_back({sum, i});
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// Row i of M, contiguous.
template <class T>
std::vector<T> row_of(const Matrix<T>& M, Index i) {
  std::vector<T> row(static_cast<std::size_t>(M.cols()));
  for (Index j = 0; j < M.cols(); ++j) row[static_cast<std::size_t>(j)] = M(i, j);
  return row;
}

/// The oracle's sorted rows for each row of Q (self = false) or each row of X left out of its own
/// list (self = true).
template <class T>
std::vector<std::vector<std::pair<T, Index>>> oracle(const Matrix<T>& X, const Matrix<T>& Q,
                                                     bool self) {
  std::vector<std::vector<std::pair<T, Index>>> all;
  const Matrix<T>& queries = self ? X : Q;
  for (Index q = 0; q < queries.rows(); ++q) {
    const auto row = row_of(queries, q);
    all.push_back(sorted_rows(X, row.data(), self ? q : Index{-1}));
  }
  return all;
}

/// Checks `found` (k per row) bit for bit against the first k of the oracle's rows.
template <class T>
void require_matches(const anomaly::Neighbors<T>& found,
                     const std::vector<std::vector<std::pair<T, Index>>>& expected, Index k) {
  REQUIRE(found.indices.rows() == static_cast<Index>(expected.size()));
  REQUIRE(found.indices.cols() == k);
  REQUIRE(found.distances.rows() == static_cast<Index>(expected.size()));
  REQUIRE(found.distances.cols() == k);
  for (std::size_t q = 0; q < expected.size(); ++q) {
    const auto row = static_cast<Index>(q);
    for (Index c = 0; c < k; ++c) {
      const auto& [distance2, index] = expected[q][static_cast<std::size_t>(c)];
      if (found.indices(row, c) != index || found.distances(row, c) != std::sqrt(distance2)) {
        INFO("query " << q << ", neighbour " << c << ": expected row " << index << " at "
                      << std::sqrt(distance2) << ", got row " << found.indices(row, c) << " at "
                      << found.distances(row, c));
        FAIL("mismatch with the brute-force oracle");
      }
    }
  }
}

/// Every search path and a few leaf sizes, each checked against the oracle for query(Q, k) and
/// query_self(k) at every k of `ks` that fits.
template <class T>
void check_all_paths(const Matrix<T>& X, const Matrix<T>& Q, const std::vector<Index>& ks) {
  const auto expected_query = oracle(X, Q, false);
  const auto expected_self = oracle(X, Q, true);
  // Leaves of one row (deepest tree), of five, of 16, the default size of this layout, and the
  // two brute forces.
  const std::pair<Index, NeighborSearch> paths[] = {
      {1, NeighborSearch::tree},       {5, NeighborSearch::tree},
      {16, NeighborSearch::automatic}, {anomaly::detail::default_leaf_size, NeighborSearch::tree},
      {16, NeighborSearch::scan},      {16, NeighborSearch::gemm}};
  for (const auto& [leaf_size, search] : paths) {
    const auto tree = KdTreeAccess::make<T>(X, leaf_size, search);
    REQUIRE(tree.size() == X.rows());
    REQUIRE(tree.n_features() == X.cols());
    for (const Index k : ks) {
      INFO("n " << X.rows() << ", d " << X.cols() << ", k " << k << ", leaf_size " << leaf_size
                << ", search " << static_cast<int>(search));
      if (k <= X.rows()) require_matches(tree.query(Q, k), expected_query, k);
      if (k <= X.rows() - 1) require_matches(tree.query_self(k), expected_self, k);
    }
  }
}

template <class T>
Matrix<T> gaussian(Index rows, Index cols, std::uint64_t seed) {
  anomaly::Random random(seed);
  Matrix<T> X(rows, cols);
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) X(i, j) = static_cast<T>(anomaly::normal(random));
  }
  return X;
}

/// Values on a grid of `levels` integers per feature: many duplicate rows and tied distances.
template <class T>
Matrix<T> grid(Index rows, Index cols, std::uint64_t levels, std::uint64_t seed) {
  anomaly::Random random(seed);
  Matrix<T> X(rows, cols);
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) {
      X(i, j) = static_cast<T>(anomaly::uniform_index(random, levels));
    }
  }
  return X;
}

}  // namespace

TEMPLATE_TEST_CASE("KdTree finds the same neighbours as sorting every row, for every path",
                   "[kd_tree]", float, double) {
  const std::vector<Index> ks{1, 5, 20};
  std::uint64_t seed = 1;
  for (const Index n : {Index{1}, Index{7}, Index{60}, Index{500}}) {
    for (const Index d : {Index{1}, Index{2}, Index{3}, Index{8}, Index{20}, Index{40}}) {
      const auto X = gaussian<TestType>(n, d, ++seed);
      const auto Q = gaussian<TestType>(50, d, ++seed);
      check_all_paths<TestType>(X, Q, ks);
    }
  }
}

TEMPLATE_TEST_CASE("KdTree breaks ties between duplicates and equal distances by row index",
                   "[kd_tree]", float, double) {
  // 300 is beyond BestCandidates::sorted_limit: its heap keeps the tie rule too.
  const std::vector<Index> ks{1, 5, 20, 300};
  static_assert(anomaly::detail::BestCandidates<double>::sorted_limit < 300);
  for (const Index d : {Index{1}, Index{2}, Index{3}, Index{8}, Index{20}}) {
    const auto X = grid<TestType>(400, d, 3, 10 + static_cast<std::uint64_t>(d));
    const auto Q = grid<TestType>(40, d, 4, 20 + static_cast<std::uint64_t>(d));
    check_all_paths<TestType>(X, Q, ks);
  }
}

TEMPLATE_TEST_CASE("KdTree handles one-dimensional, collinear and all-equal data", "[kd_tree]",
                   float, double) {
  using T = TestType;
  const std::vector<Index> ks{1, 5, 20};
  SECTION("one dimension, sorted and with runs of equal values") {
    Matrix<T> X(300, 1);
    for (Index i = 0; i < X.rows(); ++i) X(i, 0) = static_cast<T>(i / 7);
    check_all_paths<T>(X, gaussian<T>(30, 1, 3) * T{10}, ks);
  }
  SECTION("collinear points, a rank-one cloud in three dimensions") {
    const auto t = gaussian<T>(300, 1, 4);
    Matrix<T> X(300, 3);
    for (Index i = 0; i < X.rows(); ++i) {
      const T step = std::round(t(i, 0) * T{8});  // rounded: repeated points on the line too
      X.row(i) << step, T{2} * step, T{-3} * step;
    }
    check_all_paths<T>(X, gaussian<T>(30, 3, 5), ks);
  }
  SECTION("all rows equal: every distance ties and the smallest indices win") {
    const Matrix<T> X = Matrix<T>::Constant(200, 3, T{1.5});
    check_all_paths<T>(X, gaussian<T>(10, 3, 6), ks);
  }
}

/// The matrix-product path (query_self with paired and unpaired tiles) against the oracle and
/// the exact scan, bit for bit, for query(Q, k) and query_self(k) at every k of `ks` that fits.
template <class T>
void check_gemm(const Matrix<T>& X, const Matrix<T>& Q, const std::vector<Index>& ks) {
  const auto gemm = KdTreeAccess::make<T>(X, 16, NeighborSearch::gemm);
  REQUIRE(KdTreeAccess::search(gemm) == NeighborSearch::gemm);
  const auto scan = KdTreeAccess::make<T>(X, 16, NeighborSearch::scan);
  REQUIRE(KdTreeAccess::search(scan) == NeighborSearch::scan);
  const auto expected_query = oracle(X, Q, false);
  const auto expected_self = oracle(X, Q, true);
  for (const Index k : ks) {
    INFO("n " << X.rows() << ", d " << X.cols() << ", k " << k);
    if (k <= X.rows()) {
      const auto found = gemm.query(Q, k);
      require_matches(found, expected_query, k);
      const auto scanned = scan.query(Q, k);
      CHECK(found.indices == scanned.indices);
      CHECK(found.distances == scanned.distances);
    }
    if (k <= X.rows() - 1) {
      const auto found = gemm.query_self(k);
      require_matches(found, expected_self, k);
      const auto scanned = scan.query_self(k);
      CHECK(found.indices == scanned.indices);
      CHECK(found.distances == scanned.distances);
      require_matches(KdTreeAccess::query_self_unpaired(gemm, k), expected_self, k);
    }
  }
}

TEMPLATE_TEST_CASE("KdTree's matrix-product brute force gives the exact scan's bits", "[kd_tree]",
                   float, double) {
  using T = TestType;
  const std::vector<Index> ks{1, 7, 20};
  SECTION("Gaussian rows over several tiles (the last one partial), many features") {
    for (const Index d : {Index{17}, Index{64}, Index{166}}) {
      check_gemm<T>(gaussian<T>(600, d, 30 + static_cast<std::uint64_t>(d)),
                    gaussian<T>(300, d, 40 + static_cast<std::uint64_t>(d)), ks);
    }
  }
  SECTION("rows 1e8 from the origin with unit spread") {
    // In float the offset leaves a grid of multiples of 8: ties everywhere.
    const Matrix<T> X = (gaussian<T>(300, 24, 50).array() + T{1e8}).matrix();
    const Matrix<T> Q = (gaussian<T>(60, 24, 51).array() + T{1e8}).matrix();
    check_gemm<T>(X, Q, ks);
  }
  SECTION("two clusters 2e8 apart: centring cannot help, the filter passes whole clusters") {
    Matrix<T> X = gaussian<T>(400, 20, 52);
    for (Index i = 0; i < X.rows(); ++i) X.row(i).array() += i % 2 == 0 ? T{1e8} : T{-1e8};
    Matrix<T> Q = gaussian<T>(40, 20, 53);
    for (Index i = 0; i < Q.rows(); ++i) Q.row(i).array() += i % 3 == 0 ? T{1e8} : T{-1e8};
    check_gemm<T>(X, Q, ks);
  }
  SECTION("queries far from every row") {
    const auto X = gaussian<T>(300, 30, 54);
    const Matrix<T> Q = (gaussian<T>(30, 30, 55).array() * T{1e6} + T{3e7}).matrix();
    check_gemm<T>(X, Q, ks);
  }
  SECTION("duplicates and tied distances on an integer grid") {
    check_gemm<T>(grid<T>(500, 20, 3, 56), grid<T>(60, 20, 4, 57), ks);
    check_gemm<T>(grid<T>(300, 40, 2, 58), grid<T>(60, 40, 2, 59), ks);
  }
  SECTION("all rows equal, and collinear rows") {
    check_gemm<T>(Matrix<T>::Constant(300, 20, T{-2.5}), gaussian<T>(20, 20, 60), ks);
    const auto t = gaussian<T>(300, 1, 61);
    Matrix<T> X(300, 18);
    for (Index i = 0; i < X.rows(); ++i) {
      for (Index j = 0; j < X.cols(); ++j) {
        X(i, j) = std::round(t(i, 0) * T{8}) * static_cast<T>(j - 9);  // repeated points too
      }
    }
    check_gemm<T>(X, gaussian<T>(30, 18, 62), ks);
  }
  SECTION("k near n, and fewer rows than a tile or a lane group") {
    const auto X = gaussian<T>(270, 20, 63);
    check_gemm<T>(X, gaussian<T>(20, 20, 64), {268, 269, 270});
    check_gemm<T>(gaussian<T>(5, 33, 65), gaussian<T>(3, 33, 66), {1, 3, 4, 5});
    check_gemm<T>(gaussian<T>(2, 17, 67), gaussian<T>(1, 17, 68), {1, 2});
  }
  SECTION("clusters in a row: far tiles are ruled out by their balls, near ones are not") {
    // Ten clusters 3 apart, radius about 2, values on a grid of 1/8 (ties, duplicates):
    // the product skips the tiles of far clusters and must still find every neighbour.
    const auto clustered = [](Index rows, std::uint64_t seed) {
      Matrix<T> X = gaussian<T>(rows, 20, seed);
      for (Index i = 0; i < rows; ++i) {
        X.row(i) = (X.row(i).array() * T{2.5}).round() / T{8};  // spread 0.31
        X(i, 0) += static_cast<T>(3 * (i % 10));
      }
      return X;
    };
    check_gemm<T>(clustered(1280, 73), clustered(300, 74), ks);
  }
  SECTION("one and two features") {
    check_gemm<T>(grid<T>(300, 1, 20, 69), grid<T>(30, 1, 20, 70), ks);
    check_gemm<T>(gaussian<T>(300, 2, 71), gaussian<T>(30, 2, 72), ks);
  }
}

TEMPLATE_TEST_CASE("KdTree picks its path by size and falls back to the scan on huge values",
                   "[kd_tree]", float, double) {
  using T = TestType;
  CHECK(KdTreeAccess::search(anomaly::KdTree<T>(gaussian<T>(300, 8, 80))) == NeighborSearch::tree);
  CHECK(KdTreeAccess::search(anomaly::KdTree<T>(gaussian<T>(300, 40, 81))) == NeighborSearch::gemm);
  CHECK(KdTreeAccess::search(anomaly::KdTree<T>(gaussian<T>(60, 40, 82))) == NeighborSearch::scan);
  // Squared norms near T's largest value would overflow the product: the forced product scans.
  Matrix<T> huge = gaussian<T>(100, 20, 83);
  huge(7, 3) = std::numeric_limits<T>::max() / 4;
  const auto tree = KdTreeAccess::make<T>(huge, 16, NeighborSearch::gemm);
  CHECK(KdTreeAccess::search(tree) == NeighborSearch::scan);
  // A query that large passes every row to the exact formula.
  const auto X = gaussian<T>(300, 20, 84);
  const auto none = KdTreeAccess::make<T>(X, 16, NeighborSearch::gemm).query(Matrix<T>(0, 20), 4);
  CHECK(none.indices.rows() == 0);
  CHECK(none.indices.cols() == 4);
  Matrix<T> Q = gaussian<T>(10, 20, 85);
  Q(4, 0) = std::numeric_limits<T>::max() / 8;
  Q(5, 19) = -std::numeric_limits<T>::max() / 8;
  check_gemm<T>(X, Q, {1, 20});
}

TEST_CASE("KdTree stays shallow and fast on many equal rows", "[kd_tree]") {
  // A build that recursed once per row, or a search that scanned every tied row, would take
  // minutes (or overflow the stack) here.
  const Matrix<double> X = Matrix<double>::Constant(60000, 2, -4.0);
  const anomaly::KdTree<double> tree(X, 1);
  REQUIRE(KdTreeAccess::uses_tree(tree));
  const auto found = tree.query_self(20);
  for (const Index row : {Index{0}, Index{7}, Index{19}, Index{20}, Index{59999}}) {
    INFO("row " << row);
    Index expected = 0;
    for (Index c = 0; c < 20; ++c, ++expected) {
      if (expected == row) ++expected;
      REQUIRE(found.indices(row, c) == expected);
      REQUIRE(found.distances(row, c) == 0.0);
    }
  }
  const Matrix<double> Q = Matrix<double>::Constant(1, 2, -4.0);
  const auto nearest = tree.query(Q, 3);
  REQUIRE(nearest.indices(0, 0) == 0);
  REQUIRE(nearest.indices(0, 2) == 2);
}

TEST_CASE("KdTree query_self leaves a row out by index but keeps its duplicates", "[kd_tree]") {
  Matrix<double> X(6, 2);
  X << 0, 0,  //
      5, 5,   //
      9, 9,   //
      0, 0,   // duplicate of row 0
      5, 6,   //
      9, 9;   // duplicate of row 2
  const anomaly::KdTree<double> tree(X, 1);
  const auto found = tree.query_self(1);
  CHECK(found.indices(0, 0) == 3);
  CHECK(found.distances(0, 0) == 0.0);
  CHECK(found.indices(3, 0) == 0);
  CHECK(found.indices(2, 0) == 5);
  CHECK(found.indices(5, 0) == 2);
  CHECK(found.indices(1, 0) == 4);
  CHECK(found.distances(1, 0) == 1.0);
  // query() does not leave anything out: row 0 finds itself, then its duplicate.
  const auto with_self = tree.query(X.topRows(1), 2);
  CHECK(with_self.indices(0, 0) == 0);
  CHECK(with_self.indices(0, 1) == 3);
}

TEST_CASE("KdTree answers an empty batch and reads strided query blocks", "[kd_tree]") {
  const auto X = gaussian<double>(100, 3, 7);
  const anomaly::KdTree<double> tree(X);
  const auto none = tree.query(Matrix<double>(0, 3), 4);
  CHECK(none.indices.rows() == 0);
  CHECK(none.indices.cols() == 4);
  const Matrix<double> wide = gaussian<double>(20, 5, 8);
  const auto from_block = tree.query(wide.middleCols(1, 3), 4);
  const Matrix<double> copy = wide.middleCols(1, 3);
  const auto from_copy = tree.query(copy, 4);
  CHECK(from_block.indices == from_copy.indices);
  CHECK(from_block.distances == from_copy.distances);
}

TEST_CASE("KdTree rejects bad input with a message naming it", "[kd_tree]") {
  using anomaly::ErrorCode;
  using anomaly::testing::require_error;
  const auto X = gaussian<double>(10, 2, 9);
  const anomaly::KdTree<double> tree(X);
  require_error([&] { (void)tree.query(X, 0); }, ErrorCode::invalid_parameter, "k must be");
  require_error([&] { (void)tree.query(X, 11); }, ErrorCode::invalid_parameter, "got 11");
  require_error([&] { (void)tree.query_self(0); }, ErrorCode::invalid_parameter, "k must be");
  require_error([&] { (void)tree.query_self(10); }, ErrorCode::invalid_parameter, "size() - 1");
  require_error([&] { (void)tree.query(Matrix<double>::Zero(3, 3), 1); },
                ErrorCode::dimension_mismatch, "Q has 3 columns");
  Matrix<double> Q = Matrix<double>::Zero(3, 2);
  Q(2, 1) = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { (void)tree.query(Q, 1); }, ErrorCode::non_finite_input, "Q(2, 1) is NaN");
  Matrix<double> bad = X;
  bad(4, 0) = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { anomaly::KdTree<double>{bad}; }, ErrorCode::non_finite_input,
                "X(4, 0) is NaN");
  require_error([&] { anomaly::KdTree<double>{Matrix<double>(0, 2)}; }, ErrorCode::empty_input,
                "X is empty");
  require_error([&] { anomaly::KdTree<double>(X, 0); }, ErrorCode::invalid_parameter, "leaf_size");
  const anomaly::KdTree<float> single(Matrix<float>::Ones(1, 4));
  require_error([&] { (void)single.query_self(1); }, ErrorCode::invalid_parameter,
                "size() - 1 = 0");
}
