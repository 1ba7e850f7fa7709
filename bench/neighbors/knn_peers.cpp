// All-points k-nearest neighbours, ours against nanoflann, in one process on the same rows:
// bench/compare/compare.py runs it beside scikit-learn. Input: a raw little-endian float64 file of
// rows x features, row-major. Output: one JSON object with each side's build and query seconds
// (best of `repeat`) and whether both found the same neighbour distances.
//   knn_peers FILE ROWS FEATURES K REPEAT
#include <anomaly/neighbors/kd_tree.hpp>

#include <nanoflann.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// nanoflann's dataset adaptor over row-major rows.
struct Rows {
  const std::vector<double>& values;
  std::size_t n, d;
  std::size_t kdtree_get_point_count() const { return n; }
  double kdtree_get_pt(std::size_t i, std::size_t j) const { return values[i * d + j]; }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: knn_peers FILE ROWS FEATURES K REPEAT\n");
    return 2;
  }
  const auto n = static_cast<std::size_t>(std::atol(argv[2]));
  const auto d = static_cast<std::size_t>(std::atol(argv[3]));
  const auto k = static_cast<std::size_t>(std::atol(argv[4]));
  const int repeat = std::atoi(argv[5]);
  std::vector<double> values(n * d);
  std::ifstream in(argv[1], std::ios::binary);
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(n * d * 8));
  if (!in || n < 2 || d < 1 || k < 1 || k >= n || repeat < 1) {
    std::fprintf(stderr, "knn_peers: cannot read %zu x %zu doubles from %s\n", n, d, argv[1]);
    return 3;
  }
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> X(
      values.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(d));
  const anomaly::Matrix<double> columns = X;

  double ours_build = 1e300, ours_query = 1e300;
  anomaly::Neighbors<double> ours;
  for (int r = 0; r < repeat; ++r) {
    auto start = Clock::now();
    const anomaly::KdTree<double> tree(columns);
    ours_build = std::min(ours_build, seconds_since(start));
    start = Clock::now();
    ours = tree.query_self(static_cast<anomaly::Index>(k));
    ours_query = std::min(ours_query, seconds_since(start));
  }

  // nanoflann: its default leaf size (10); each row asks for k + 1 and drops itself.
  using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Rows>, Rows,
                                                   -1, std::size_t>;
  const Rows rows{values, n, d};
  double peer_build = 1e300, peer_query = 1e300;
  std::vector<double> peer_kth(n);
  for (int r = 0; r < repeat; ++r) {
    auto start = Clock::now();
    Tree tree(static_cast<int>(d), rows, nanoflann::KDTreeSingleIndexAdaptorParams(10));
    peer_build = std::min(peer_build, seconds_since(start));
    start = Clock::now();
    std::vector<std::size_t> indices(k + 1);
    std::vector<double> distances2(k + 1);
    for (std::size_t i = 0; i < n; ++i) {
      nanoflann::KNNResultSet<double, std::size_t> found(k + 1);
      found.init(indices.data(), distances2.data());
      tree.findNeighbors(found, values.data() + i * d, nanoflann::SearchParams());
      peer_kth[i] = distances2[k];  // the (k+1)-th, counting the row itself at 0
    }
    peer_query = std::min(peer_query, seconds_since(start));
  }
  // The same k-th distances (nanoflann's squared): both exact.
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ours_kth =
        ours.distances(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k - 1));
    worst = std::max(worst,
                     std::abs(ours_kth * ours_kth - peer_kth[i]) / std::max(1e-300, peer_kth[i]));
  }
  std::printf(
      "{\"ours_build\":%.6g,\"ours_query\":%.6g,\"nanoflann_build\":%.6g,"
      "\"nanoflann_query\":%.6g,\"max_relative_difference\":%.3g}\n",
      ours_build, ours_query, peer_build, peer_query, worst);
  return 0;
}
