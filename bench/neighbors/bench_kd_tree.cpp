// KdTree on seeded Gaussian rows, float and double: build time, and query_self(k = 20) over every
// indexed row (items/s = queries/s). `search` forces each path (tree, exact scan, matrix-product
// brute force) on Gaussian rows, and `tabular` on the shared real data sets
// (../shared/data/tabular, or $ANOMALY_TABULAR_DATA): the measurements behind
// KdTree::automatic_search (docs/neighbors.md).
#include <anomaly/neighbors/kd_tree.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "csv_table.hpp"
#include "gaussian.hpp"

namespace {

using anomaly::Index;
using anomaly::bench::gaussian;
using anomaly::detail::KdTreeAccess;
using anomaly::detail::NeighborSearch;

/// Times the constructor on rows x features (range 0 x range 1).
template <class T>
void build(benchmark::State& state) {
  const auto X = gaussian<T>(state.range(0), state.range(1));
  for (auto _ : state) {
    anomaly::KdTree<T> tree(X);
    benchmark::DoNotOptimize(&tree);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// query_self(20) of every indexed row; the index is built once, outside the loop.
template <class T>
void time_query_self(benchmark::State& state, const anomaly::KdTree<T>& tree) {
  state.counters["path"] = static_cast<double>(KdTreeAccess::search(tree));
  for (auto _ : state) {
    auto found = tree.query_self(20);
    benchmark::DoNotOptimize(found.indices.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * tree.size());
}

/// The path the automatic choice takes (counter `path`: 1 tree, 2 scan, 3 product).
template <class T>
void query_self(benchmark::State& state) {
  time_query_self(state, anomaly::KdTree<T>(gaussian<T>(state.range(0), state.range(1))));
}

/// range 2: 1 tree, 2 exact scan, 3 matrix-product brute force (NeighborSearch's values).
template <class T>
void search(benchmark::State& state) {
  const auto path = static_cast<NeighborSearch>(state.range(2));
  time_query_self(state,
                  KdTreeAccess::make<T>(gaussian<T>(state.range(0), state.range(1)), 16, path));
}

void sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  for (const std::int64_t features : {3, 8, 32}) benchmark->Args({100'000, features});
}

/// Tree against the product from 4 to 32 features at 2000 to 20000 rows (the crossover), the
/// scan beside them at 2000 rows, and the product alone on musk- and optdigits-sized data.
void paths(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features", "path"})->Unit(benchmark::kMillisecond);
  for (const std::int64_t rows : {2'000, 20'000}) {
    for (const std::int64_t features : {4, 8, 12, 16, 20, 24, 32}) {
      for (const auto path : {NeighborSearch::tree, NeighborSearch::gemm}) {
        benchmark->Args({rows, features, static_cast<std::int64_t>(path)});
      }
      if (rows == 2'000) {
        benchmark->Args({rows, features, static_cast<std::int64_t>(NeighborSearch::scan)});
      }
    }
  }
  benchmark->Args({5'000, 64, static_cast<std::int64_t>(NeighborSearch::gemm)});
  benchmark->Args({3'000, 166, static_cast<std::int64_t>(NeighborSearch::gemm)});
}

/// Registers query_self(20) on each shared tabular set (features: every column but `label`),
/// for each forced path.
void register_tabular() {
  const char* from_environment = std::getenv("ANOMALY_TABULAR_DATA");
  const std::filesystem::path directory =
      from_environment != nullptr ? from_environment : ANOMALY_TABULAR_DATA;
  if (!std::filesystem::is_directory(directory)) return;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() != ".csv") continue;
    const auto table = anomaly::testing::read_csv_table(entry.path().string());
    anomaly::Matrix<double> X(table.columns.begin()->second.size(),
                              static_cast<Index>(table.names.size()) - 1);
    for (Index j = 0; j < X.cols(); ++j) X.col(j) = table["f" + std::to_string(j)];
    if (X.rows() > 60'000) continue;  // http: a product over 5.7e5 rows takes minutes
    for (const auto path : {NeighborSearch::tree, NeighborSearch::scan, NeighborSearch::gemm}) {
      const std::string name = "tabular/" + entry.path().stem().string() + "/" +
                               std::to_string(X.rows()) + "x" + std::to_string(X.cols()) +
                               "/path:" + std::to_string(static_cast<int>(path));
      benchmark::RegisterBenchmark(name.c_str(), [X, path](benchmark::State& state) {
        time_query_self(state, KdTreeAccess::make<double>(X, 16, path));
      })->Unit(benchmark::kMillisecond);
    }
  }
}

[[maybe_unused]] const bool tabular_registered = (register_tabular(), true);

}  // namespace

BENCHMARK_TEMPLATE(build, float)->Apply(sizes);
BENCHMARK_TEMPLATE(build, double)->Apply(sizes);
BENCHMARK_TEMPLATE(query_self, float)->Apply(sizes);
BENCHMARK_TEMPLATE(query_self, double)->Apply(sizes);
BENCHMARK_TEMPLATE(search, float)->Apply(paths);
BENCHMARK_TEMPLATE(search, double)->Apply(paths);
