// OrderStatisticTree against a sorted std::vector (the O(n) oracle), with its invariants checked.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming/order_statistic_tree.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "catch.hpp"

namespace {

/// Random inserts, erases and replacements of values drawn from `distinct` levels (few levels =
/// many ties), negative and positive, and now and then an infinite one.
template <class Tree>
void run_against_sorted_vector(Tree& tree, int operations, int distinct, std::uint64_t seed) {
  using T = decltype(tree.select(0));
  anomaly::Random random(seed);
  const auto draw = [&] {
    if (anomaly::uniform_index(random, 200) == 0) {
      const T infinity = std::numeric_limits<T>::infinity();
      return anomaly::uniform_index(random, 2) == 0 ? infinity : -infinity;
    }
    const auto level = anomaly::uniform_index(random, static_cast<std::uint64_t>(distinct));
    return static_cast<T>(static_cast<double>(level) - distinct / 2);
  };
  std::vector<T> sorted;
  for (int step = 0; step < operations; ++step) {
    const bool grow =
        sorted.empty() || (static_cast<anomaly::Index>(sorted.size()) < tree.max_size() &&
                           anomaly::uniform_index(random, 3) != 0);
    if (grow) {
      const T level = draw();
      sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), level), level);
      tree.insert(level);
    } else if (anomaly::uniform_index(random, 2) == 0) {
      const auto at = anomaly::uniform_index(random, sorted.size());
      tree.erase(sorted[static_cast<std::size_t>(at)]);
      sorted.erase(sorted.begin() + static_cast<std::ptrdiff_t>(at));
    } else {  // replace: erase one value and insert another in the same call
      const auto at = anomaly::uniform_index(random, sorted.size());
      const T level = draw();
      tree.replace(sorted[static_cast<std::size_t>(at)], level);
      sorted.erase(sorted.begin() + static_cast<std::ptrdiff_t>(at));
      sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), level), level);
    }
    if (step % 97 == 0 || step + 1 == operations) {
      REQUIRE(tree.valid());
      REQUIRE(tree.size() == static_cast<anomaly::Index>(sorted.size()));
      for (std::size_t k = 0; k < sorted.size(); ++k) {
        REQUIRE(tree.select(static_cast<anomaly::Index>(k)) == sorted[k]);
      }
    }
  }
}

}  // namespace

TEMPLATE_TEST_CASE("OrderStatisticTree selects like a sorted vector through every change",
                   "[order_statistic_tree]", float, double) {
  for (int distinct : {3, 50, 1000000}) {
    anomaly::OrderStatisticTree<TestType> tree(700);
    run_against_sorted_vector(tree, 20000, distinct, 11u + static_cast<std::uint64_t>(distinct));
  }
}

TEST_CASE("A fixed-capacity OrderStatisticTree behaves like the dynamic one",
          "[order_statistic_tree]") {
  anomaly::OrderStatisticTree<double, 300> tree(300);
  run_against_sorted_vector(tree, 20000, 40, 5);
  tree.clear();
  REQUIRE(tree.size() == 0);
  REQUIRE(tree.valid());
  run_against_sorted_vector(tree, 5000, 1000000, 6);
}

TEST_CASE("OrderStatisticTree cursors step through the values in order", "[order_statistic_tree]") {
  anomaly::OrderStatisticTree<float> tree(500);
  anomaly::Random random(3);
  std::vector<float> values;
  for (int i = 0; i < 500; ++i) {
    values.push_back(static_cast<float>(anomaly::uniform_index(random, 100)));
    tree.insert(values.back());
  }
  std::sort(values.begin(), values.end());
  auto cursor = tree.find(0);
  for (std::size_t k = 0; k + 1 < values.size(); ++k) {
    REQUIRE(tree.value(cursor) == values[k]);
    cursor = tree.next(cursor);
  }
  REQUIRE(tree.value(cursor) == values.back());
  for (std::size_t k = values.size() - 1; k > 0; --k) {
    cursor = tree.prev(cursor);
    REQUIRE(tree.value(cursor) == values[k - 1]);
  }
}

TEST_CASE("OrderStatisticTree empties completely and refills", "[order_statistic_tree]") {
  anomaly::OrderStatisticTree<double> tree(2000);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2000; ++i) tree.insert(static_cast<double>((i * 7919) % 2000));
    REQUIRE(tree.valid());
    for (int i = 0; i < 2000; ++i) REQUIRE(tree.select(i) == static_cast<double>(i));
    for (int i = 0; i < 2000; ++i) tree.erase(static_cast<double>((i * 104729) % 2000));
    REQUIRE(tree.size() == 0);
    REQUIRE(tree.valid());
  }
}

TEMPLATE_TEST_CASE("OrderStatisticTree finds the run of values nearest a point, as sorting does",
                   "[order_statistic_tree]", float, double) {
  anomaly::Random random(17);
  for (const anomaly::Index n : {1, 2, 3, 64, 129, 700, 5000}) {
    for (const int distinct : {2, 30, 1000000}) {
      anomaly::OrderStatisticTree<TestType> tree(n);
      std::vector<TestType> sorted;
      for (anomaly::Index i = 0; i < n; ++i) {
        const auto level = anomaly::uniform_index(random, static_cast<std::uint64_t>(distinct));
        sorted.push_back(static_cast<TestType>(level));
        tree.insert(sorted.back());
      }
      std::sort(sorted.begin(), sorted.end());
      const auto at = [&](anomaly::Index r) {
        return static_cast<double>(sorted[static_cast<std::size_t>(r)]);
      };
      for (int trial = 0; trial < 40; ++trial) {
        // Any split works when the center lies between the values on either side of it.
        const auto split = static_cast<anomaly::Index>(
            anomaly::uniform_index(random, static_cast<std::uint64_t>(n + 1)));
        const double low = split > 0 ? at(split - 1) : at(0) - 5.0;
        const double high = split < n ? at(split) : at(n - 1) + 5.0;
        const double center = low + anomaly::uniform_real(random) * (high - low);
        const auto count = 1 + static_cast<anomaly::Index>(
                                   anomaly::uniform_index(random, static_cast<std::uint64_t>(n)));
        const anomaly::Index first = tree.nearest_run(center, split, count);
        REQUIRE(first >= 0);
        REQUIRE(first + count <= n);
        double inside = 0.0;  // farthest distance in the run, nearest outside it
        double outside = std::numeric_limits<double>::infinity();
        for (anomaly::Index r = 0; r < n; ++r) {
          const double distance = std::abs(at(r) - center);
          if (r >= first && r < first + count) {
            inside = std::max(inside, distance);
          } else {
            outside = std::min(outside, distance);
          }
        }
        INFO("n " << n << " split " << split << " count " << count << " first " << first);
        REQUIRE(inside <= outside);
      }
    }
  }
}
