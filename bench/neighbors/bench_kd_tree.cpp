// KdTree on seeded Gaussian rows, float and double: build time, and query_self(k = 20) over every
// indexed row (items/s = queries/s). `search` compares the forced tree and brute-force paths at
// 10^4 rows, the measurement behind KdTree::max_tree_features.
#include <anomaly/neighbors/kd_tree.hpp>

#include <benchmark/benchmark.h>

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

/// Times query_self(20) of every indexed row; the tree is built once, outside the loop.
template <class T>
void query_self(benchmark::State& state) {
  const auto X = gaussian<T>(state.range(0), state.range(1));
  const anomaly::KdTree<T> tree(X);
  state.counters["tree"] = KdTreeAccess::uses_tree(tree) ? 1 : 0;
  for (auto _ : state) {
    auto found = tree.query_self(20);
    benchmark::DoNotOptimize(found.indices.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// query_self(20) with the search forced: range 2 = 0 tree, 1 brute force.
template <class T>
void search(benchmark::State& state) {
  const auto X = gaussian<T>(state.range(0), state.range(1));
  const auto path = state.range(2) == 0 ? NeighborSearch::tree : NeighborSearch::brute_force;
  const auto tree = KdTreeAccess::make<T>(X, 16, path);
  for (auto _ : state) {
    auto found = tree.query_self(20);
    benchmark::DoNotOptimize(found.indices.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  for (const std::int64_t features : {3, 8, 32}) benchmark->Args({100'000, features});
}

void paths(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features", "brute"})->Unit(benchmark::kMillisecond);
  for (const std::int64_t features : {8, 12, 16, 20, 24, 32}) {
    for (const std::int64_t brute : {0, 1}) benchmark->Args({10'000, features, brute});
  }
}

}  // namespace

BENCHMARK_TEMPLATE(build, float)->Apply(sizes);
BENCHMARK_TEMPLATE(build, double)->Apply(sizes);
BENCHMARK_TEMPLATE(query_self, float)->Apply(sizes);
BENCHMARK_TEMPLATE(query_self, double)->Apply(sizes);
BENCHMARK_TEMPLATE(search, float)->Apply(paths);
BENCHMARK_TEMPLATE(search, double)->Apply(paths);
