// OrderStatisticTree against a sorted std::vector (the O(n) oracle), with its invariants checked.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming/order_statistic_tree.hpp>

#include <algorithm>
#include <vector>

#include "catch.hpp"

namespace {

/// Random inserts, erases and replacements of values drawn from `distinct` levels (few levels =
/// many ties).
template <class Tree>
void run_against_sorted_vector(Tree& tree, int operations, int distinct, std::uint64_t seed) {
  anomaly::Random random(seed);
  std::vector<double> sorted;
  for (int step = 0; step < operations; ++step) {
    const bool grow =
        sorted.empty() || (static_cast<anomaly::Index>(sorted.size()) < tree.max_size() &&
                           anomaly::uniform_index(random, 3) != 0);
    if (grow) {
      const auto level =
          static_cast<double>(anomaly::uniform_index(random, static_cast<std::uint64_t>(distinct)));
      sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), level), level);
      tree.insert(level);
    } else if (anomaly::uniform_index(random, 2) == 0) {
      const auto at = anomaly::uniform_index(random, sorted.size());
      tree.erase(sorted[static_cast<std::size_t>(at)]);
      sorted.erase(sorted.begin() + static_cast<std::ptrdiff_t>(at));
    } else {  // replace: erase one value and insert another in the same call
      const auto at = anomaly::uniform_index(random, sorted.size());
      const auto level =
          static_cast<double>(anomaly::uniform_index(random, static_cast<std::uint64_t>(distinct)));
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

TEST_CASE("OrderStatisticTree selects like a sorted vector through inserts, erases and replaces",
          "[order_statistic_tree]") {
  for (int distinct : {3, 50, 1000000}) {
    anomaly::OrderStatisticTree<double> tree(700);
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
