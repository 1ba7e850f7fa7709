#pragma once
// OrderStatisticTree: a multiset of numbers with insert, erase and select(rank) in O(log n), in
// memory reserved up front. A counted B+-tree (Bayer and McCreight 1972; counts as in Knuth,
// TAOCP vol. 3, 6.2.4): sorted leaves linked both ways, inner nodes holding each child's size and
// largest value. Nodes live in two preallocated pools, so nothing allocates after construction.
#include <anomaly/core/config.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/streaming/capacity.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <type_traits>

namespace anomaly {

/// Sorted multiset of at most max_size() values: insert, erase, select in O(log n), stepping to a
/// neighbour in O(1). Capacity > 0 keeps every node in place (no heap, for firmware).
template <Scalar T, Index Capacity = dynamic_capacity>
class OrderStatisticTree {
  using Id = std::uint32_t;

 public:
  static constexpr int leaf_capacity =
      128;  ///< values per leaf (half of it at least, but the root)
  static constexpr int inner_capacity =
      16;  ///< children per inner node (half at least, but the root)

  /// A position in sorted order, valid until the next insert or erase.
  struct Cursor {
    Id leaf;  ///< the leaf holding the value
    Id slot;  ///< its place in that leaf
  };

  /// An empty tree able to hold `max_size` values (1 <= max_size <= Capacity when fixed).
  explicit OrderStatisticTree(Index max_size)
      : leaves_(leaf_pool(max_size)),
        inners_(inner_pool(max_size)),
        free_leaves_(leaf_pool(max_size)),
        free_inners_(inner_pool(max_size)),
        max_size_(max_size) {
    clear();
  }

  /// How many values it holds.
  Index size() const noexcept { return size_; }
  /// How many values it can hold.
  Index max_size() const noexcept { return max_size_; }

  /// Removes every value.
  void clear() noexcept {
    const Index n_leaves = leaf_pool(max_size_), n_inners = inner_pool(max_size_);
    for (Index i = 0; i < n_leaves; ++i) free_leaves_[i] = static_cast<Id>(n_leaves - 1 - i);
    for (Index i = 0; i < n_inners; ++i) free_inners_[i] = static_cast<Id>(n_inners - 1 - i);
    free_leaf_count_ = n_leaves;
    free_inner_count_ = n_inners;
    root_ = new_leaf();
    leaves_[root_].n = 0;
    seal(leaves_[root_]);
    leaves_[root_].prev = leaves_[root_].next = none;
    height_ = 0;
    size_ = 0;
  }

  /// Adds one copy of x. Needs size() < max_size() and x not NaN.
  void insert(T x) noexcept {
    ANOMALY_ASSERT(size_ < max_size_ && x == x, "insert into a full tree, or of NaN");
    if (node_full(root_, height_)) {
      const Id top = new_inner();
      Inner& node = inners_[top];
      node.n = 1;
      node.child[0] = root_;
      node.count[0] = static_cast<Id>(size_);
      node.max[0] = largest(root_, height_);
      seal(node);
      split_child(node, 0, height_);
      root_ = top;
      ++height_;
    }
    Id at = root_;
    for (int level = height_; level > 0; --level) {
      Inner& node = inners_[at];
      int i = route(node, x);
      if (node_full(node.child[i], level - 1)) {
        split_child(node, i, level - 1);
        if (x > node.max[i]) ++i;
      }
      ++node.count[i];
      if (x > node.max[i]) node.max[i] = x;
      at = node.child[i];
    }
    add_to_leaf(leaves_[at], x);
    ++size_;
  }

  /// Removes one copy of x, which must be in the tree.
  void erase(T x) noexcept {
    Id path_node[max_height];  // not zeroed: only [0, height) is used
    int path_child[max_height];
    Id at = root_;
    for (int level = height_; level > 0; --level) {
      Inner& node = inners_[at];
      int i = route(node, x);
      if (entries(node.child[i], level - 1) <= minimum(level - 1))
        i = refill_child(node, i, level - 1);
      --node.count[i];
      path_node[level - 1] = at;
      path_child[level - 1] = i;
      at = node.child[i];
    }
    remove_from_leaf(leaves_[at], x);
    --size_;
    for (int level = 1; level <= height_; ++level) {  // the largest value may have left
      Inner& node = inners_[path_node[level - 1]];
      const int i = path_child[level - 1];
      const T new_max = largest(node.child[i], level - 1);
      if (new_max != node.max[i]) node.max[i] = new_max;  // rare: spares a store-forward stall
    }
    if (height_ > 0 && inners_[root_].n == 1) {
      const Id old = root_;
      root_ = inners_[old].child[0];
      free_inners_[free_inner_count_++] = old;
      --height_;
    }
  }

  /// Replaces one copy of `old` (which must be in the tree) by x (not NaN): what a sliding window
  /// does on every sample. When old's leaf stays at least half full and x's leaf has room, as it
  /// nearly always does, one pass over each leaf and no rebalancing; else erase(old), insert(x).
  void replace(T old, T x) noexcept {
    Id old_path[max_height], new_path[max_height];  // not zeroed: only [0, height) is used
    int old_child[max_height], new_child[max_height];
    const Id old_leaf = descend(old, old_path, old_child);
    const Id new_leaf = descend(x, new_path, new_child);
    Leaf& from = leaves_[old_leaf];
    Leaf& to = leaves_[new_leaf];
    const bool rebalance = (height_ > 0 && old_leaf != new_leaf &&
                            (static_cast<int>(from.n) <= minimum(0) || node_full(new_leaf, 0)));
    if (rebalance) {
      erase(old);
      insert(x);
      return;
    }
    remove_from_leaf(from, old);
    add_to_leaf(to, x);
    for (int level = 1; level <= height_; ++level) {  // counts move, maxima may change
      Inner& old_node = inners_[old_path[level - 1]];
      Inner& new_node = inners_[new_path[level - 1]];
      --old_node.count[old_child[level - 1]];
      ++new_node.count[new_child[level - 1]];
      old_node.max[old_child[level - 1]] = largest(old_node.child[old_child[level - 1]], level - 1);
      new_node.max[new_child[level - 1]] = largest(new_node.child[new_child[level - 1]], level - 1);
    }
  }

  /// The position of the value of rank `rank` (0 = smallest); needs rank < size().
  Cursor find(Index rank) const noexcept {
    ANOMALY_ASSERT(rank >= 0 && rank < size_, "find of a rank outside the tree");
    Id at = root_;
    auto k = static_cast<Id>(rank);
    for (int level = height_; level > 0; --level) {
      const Inner& node = inners_[at];
      // A plain scan: the quantile ranks callers ask for land in the same child update after
      // update, so its exit branch predicts well (unlike route(), whose values are random).
      int i = 0;
      while (k >= node.count[i]) k -= node.count[i++];
      at = node.child[i];
    }
    return {at, k};
  }
  /// The value of rank `rank` (0 = smallest); needs rank < size().
  T select(Index rank) const noexcept { return value(find(rank)); }
  /// The value at a position.
  T value(Cursor c) const noexcept { return leaves_[c.leaf].keys[c.slot]; }
  /// The next position in sorted order; needs one.
  Cursor next(Cursor c) const noexcept {
    if (c.slot + 1 < leaves_[c.leaf].n) return {c.leaf, c.slot + 1};
    return {leaves_[c.leaf].next, 0};
  }
  /// The previous position in sorted order; needs one.
  Cursor prev(Cursor c) const noexcept {
    if (c.slot > 0) return {c.leaf, c.slot - 1};
    const Id left = leaves_[c.leaf].prev;
    return {left, leaves_[left].n - 1};
  }

  /// The first rank of a run of `count` consecutive values whose distances to `center` are the
  /// `count` smallest (1 <= count <= size(); ties either way), where ranks below `split` hold
  /// values <= center and the others values >= center (split = size() / 2 about the median).
  /// O(log n): a selection in the union of the distances below (read leftwards) and above (read
  /// rightwards), as in two search trees: each step probes a value halving each side's run, and
  /// drops half of one side.
  Index nearest_run(double center, Index split, Index count) const noexcept {
    ANOMALY_ASSERT(split >= 0 && split <= size_ && count >= 1 && count <= size_,
                   "nearest_run outside the tree");
    Span below = span(0, split), above = span(split, size_);
    Index k = count;  // how many nearest are still to find
    Index taken = 0;  // how many of those found lie below
    const auto below_distance = [center](T v) { return center - static_cast<double>(v); };
    const auto above_distance = [center](T v) { return static_cast<double>(v) - center; };
    while (below.lo < below.hi && above.lo < above.hi) {
      if (k == 1) {
        if (below_distance(select(below.hi - 1)) <= above_distance(select(above.lo))) ++taken;
        return split - taken;
      }
      const Probe b = probe(below), a = probe(above);
      const Index before_b = below.hi - 1 - b.rank, before_a = a.rank - above.lo;
      const bool below_nearer = below_distance(b.value) <= above_distance(a.value);
      if (k <= before_b + before_a + 1) {  // the farther probe and all past it are too far
        if (below_nearer) {
          above.hi = a.rank;
        } else {
          below.lo = b.rank + 1;
        }
      } else if (below_nearer) {  // the nearer probe and all before it are among the nearest
        taken += before_b + 1;
        k -= before_b + 1;
        below.hi = b.rank;
      } else {
        k -= before_a + 1;
        above.lo = a.rank + 1;
      }
      narrow(below);
      narrow(above);
    }
    if (above.lo == above.hi) taken += k;
    return split - taken;
  }

  /// Checks every structural invariant (order, counts, maxima, fill, links); for tests.
  bool valid() const noexcept {
    Index counted = 0;
    T last = T(0);
    bool first = true;
    if (!valid_node(root_, height_, true, counted)) return false;
    if (counted != size_) return false;
    Index walked = 0;  // the leaf chain visits every value in order
    Id leaf = leftmost();
    Id previous = none;
    for (; leaf != none; previous = leaf, leaf = leaves_[leaf].next) {
      if (leaves_[leaf].prev != previous) return false;
      for (Id s = 0; s < leaves_[leaf].n; ++s, ++walked) {
        if (!first && leaves_[leaf].keys[s] < last) return false;
        last = leaves_[leaf].keys[s];
        first = false;
      }
    }
    return walked == size_;
  }

 private:
  static constexpr Id none = ~Id{0};
  /// Fills unused key and maximum slots: never below a finite x, so counts need no masks.
  static constexpr T sentinel = std::numeric_limits<T>::infinity();
  static constexpr int max_height = 32;  // minimum fan-out 8: 8^32 values never fit anyway

  struct Leaf {
    T keys[leaf_capacity + 1];  // C arrays, indexed by int; the spare slot always holds sentinel
    Id n;
    Id prev;
    Id next;
  };
  struct Inner {
    T max[inner_capacity];     // largest value under each child
    Id count[inner_capacity];  // values under each child
    Id child[inner_capacity];
    Id n;
  };

  /// Leaves needed for `values` values when every leaf but the root is at least half full.
  static constexpr Index leaf_pool(Index values) noexcept {
    return values == dynamic_capacity ? dynamic_capacity : values / (leaf_capacity / 2) + 2;
  }
  /// Inner nodes needed above those leaves, level by level.
  static constexpr Index inner_pool(Index values) noexcept {
    if (values == dynamic_capacity) return dynamic_capacity;
    Index total = 1;
    for (Index level = leaf_pool(values); level > 1;) {
      level = level / (inner_capacity / 2) + 1;
      total += level;
    }
    return total;
  }

  static constexpr int capacity(int level) noexcept {
    return level == 0 ? leaf_capacity : inner_capacity;
  }
  static constexpr int minimum(int level) noexcept { return capacity(level) / 2; }
  int entries(Id node, int level) const noexcept {
    return static_cast<int>(level == 0 ? leaves_[node].n : inners_[node].n);
  }
  bool node_full(Id node, int level) const noexcept {
    return entries(node, level) == capacity(level);
  }
  T largest(Id node, int level) const noexcept {
    return level == 0 ? leaves_[node].keys[leaves_[node].n - 1]
                      : inners_[node].max[inners_[node].n - 1];
  }
  Id new_leaf() noexcept { return free_leaves_[--free_leaf_count_]; }
  Id new_inner() noexcept { return free_inners_[--free_inner_count_]; }
  Id leftmost() const noexcept {
    Id at = root_;
    for (int level = height_; level > 0; --level) at = inners_[at].child[0];
    return at;
  }

  /// A run of ranks [lo, hi) and the deepest node known to hold it, whose first rank is `start`.
  struct Span {
    Index lo, hi;
    Id node;
    int level;
    Index start;
  };
  /// A rank inside a span, with its value.
  struct Probe {
    Index rank;
    T value;
  };
  Span span(Index lo, Index hi) const noexcept {
    Span s{lo, hi, root_, height_, 0};
    narrow(s);
    return s;
  }
  /// Moves the span's node down while a single child holds the whole run.
  void narrow(Span& s) const noexcept {
    while (s.level > 0 && s.lo < s.hi) {
      const Inner& node = inners_[s.node];
      int c = 0;
      Index begin = s.start;
      while (begin + node.count[c] <= s.lo) begin += node.count[c++];
      if (s.hi > begin + node.count[c]) return;
      s.node = node.child[c];
      s.start = begin;
      --s.level;
    }
  }
  /// A rank that splits a non-empty (narrowed) run in halves: the middle one in a leaf, else the
  /// last rank of the middle child among those the run spans, whose value the node holds.
  Probe probe(const Span& s) const noexcept {
    if (s.level == 0) {
      const Index rank = s.lo + (s.hi - s.lo) / 2;
      return {rank, leaves_[s.node].keys[rank - s.start]};
    }
    const Inner& node = inners_[s.node];
    int first = 0;  // the child holding lo
    Index begin = s.start;
    while (begin + node.count[first] <= s.lo) begin += node.count[first++];
    int last = first;  // the child holding hi - 1: after first, as the span is narrowed
    for (Index end = begin + node.count[first]; end < s.hi;) end += node.count[++last];
    const int middle = first + (last - first - 1) / 2;
    Index end = begin;
    for (int c = first; c <= middle; ++c) end += node.count[c];
    return {end - 1, node.max[middle]};
  }

  /// The leaf whose range holds x, recording the inner node and child taken at each level.
  Id descend(T x, Id* path, int* child) const noexcept {
    Id at = root_;
    for (int level = height_; level > 0; --level) {
      const int i = route(inners_[at], x);
      path[level - 1] = at;
      child[level - 1] = i;
      at = inners_[at].child[i];
    }
    return at;
  }

  /// The child whose range holds x: the first whose largest value is >= x, else the last.
  /// Counted without branches (maxima ascend, unused slots hold +infinity): random data would
  /// mispredict a search's exit.
  /// Not inlined: inlined, GCC 12 turned the counting loop back into branches (30% slower).
  [[gnu::noinline]] static int route(const Inner& node, T x) noexcept {
    int below = 0;
    for (int k = 0; k < inner_capacity; ++k) below += node.max[k] < x ? 1 : 0;
    return std::min(below, static_cast<int>(node.n) - 1);
  }
  /// Inserts x into a sorted leaf with room: each value above x takes its left neighbour's place,
  /// or x's at the boundary; as the leaf is sorted, that is min(v, max(left, x)). One pass over
  /// every slot (sentinels stay sentinels), with no branch to mispredict, where a search and a
  /// shift would take two on random data. Lines go right to left so each neighbour is read before
  /// it moves; within a line all loads come first, a form GCC turns into a few SIMD instructions.
  [[gnu::noinline]] static void add_to_leaf(Leaf& leaf, T x) noexcept {
    T* keys = std::data(leaf.keys);
    const auto insert = [x](T left, T here) {
      const T shifted = left < x ? x : left;
      return here < shifted ? here : shifted;
    };
    for (int b = leaf_capacity - line; b > 0; b -= line) {
      T left[line], here[line];
      for (int i = 0; i < line; ++i) left[i] = keys[b - 1 + i];
      for (int i = 0; i < line; ++i) here[i] = keys[b + i];
      for (int i = 0; i < line; ++i) keys[b + i] = insert(left[i], here[i]);
    }
    for (int k = line - 1; k > 0; --k) keys[k] = insert(keys[k - 1], keys[k]);
    keys[0] = insert(-sentinel, keys[0]);
    ++leaf.n;
  }
  /// Removes the first copy of x from a sorted leaf, in one pass over every slot as above: from
  /// there on, each value takes its right neighbour's (the spare slot keeps the sentinel).
  [[gnu::noinline]] static void remove_from_leaf(Leaf& leaf, T x) noexcept {
    ANOMALY_ASSERT(std::binary_search(std::data(leaf.keys), std::data(leaf.keys) + leaf.n, x),
                   "removal of a value not in the tree");
    T* keys = std::data(leaf.keys);
    for (int k = 0; k < leaf_capacity; ++k) {
      const T here = keys[k], right = keys[k + 1];  // both loaded: the select then vectorizes
      keys[k] = here < x ? here : right;
    }
    --leaf.n;
  }
  /// Values per step of add_to_leaf: a 64-byte line, whole SIMD registers on every target.
  static constexpr int line = static_cast<int>(64 / sizeof(T));
  static_assert(leaf_capacity % line == 0);
  /// Puts the sentinel in every unused slot (after a node lost entries, or was reused).
  static void seal(Leaf& leaf) noexcept {
    std::fill(std::data(leaf.keys) + leaf.n, std::data(leaf.keys) + leaf_capacity + 1, sentinel);
  }
  static void seal(Inner& node) noexcept {
    std::fill(std::data(node.max) + node.n, std::data(node.max) + inner_capacity, sentinel);
  }

  // Moving entries between nodes of one level: a leaf entry is a value, an inner one a child.
  static void move_entries(Leaf& to, int at, const Leaf& from, int first, int count) noexcept {
    std::copy_n(std::data(from.keys) + first, count, std::data(to.keys) + at);
  }
  static void move_entries(Inner& to, int at, const Inner& from, int first, int count) noexcept {
    std::copy_n(std::data(from.max) + first, count, std::data(to.max) + at);
    std::copy_n(std::data(from.count) + first, count, std::data(to.count) + at);
    std::copy_n(std::data(from.child) + first, count, std::data(to.child) + at);
  }
  /// Shifts entries [at, n) of a node by `by` places (right when positive, left when negative).
  template <class Array>
  static void shift_array(Array& values, int at, int n, int by) noexcept {
    if (by > 0) {
      std::copy_backward(std::data(values) + at, std::data(values) + n, std::data(values) + n + by);
    } else {
      std::copy(std::data(values) + at, std::data(values) + n, std::data(values) + at + by);
    }
  }
  static void shift_entries(Leaf& node, int at, int by) noexcept {
    shift_array(node.keys, at, static_cast<int>(node.n), by);
    node.n = static_cast<Id>(static_cast<int>(node.n) + by);
    seal(node);
  }
  static void shift_entries(Inner& node, int at, int by) noexcept {
    const int n = static_cast<int>(node.n);
    shift_array(node.max, at, n, by);
    shift_array(node.count, at, n, by);
    shift_array(node.child, at, n, by);
    node.n = static_cast<Id>(n + by);
    seal(node);
  }
  static Id weight(const Leaf& /*node*/, int /*entry*/) noexcept { return 1; }
  static Id weight(const Inner& node, int entry) noexcept { return node.count[entry]; }

  Leaf& node_at(Id id, Leaf* /*tag*/) noexcept { return leaves_[id]; }
  Inner& node_at(Id id, Inner* /*tag*/) noexcept { return inners_[id]; }

  /// Splits the full child i of `parent` (not full) into two halves, the right one at i + 1.
  void split_child(Inner& parent, int i, int child_level) noexcept {
    if (child_level == 0) {
      split_child_as<Leaf>(parent, i, child_level, new_leaf());
    } else {
      split_child_as<Inner>(parent, i, child_level, new_inner());
    }
  }
  template <class Node>
  void split_child_as(Inner& parent, int i, int child_level, Id right_id) noexcept {
    const Id left_id = parent.child[i];
    Node& left = node_at(left_id, static_cast<Node*>(nullptr));
    Node& right = node_at(right_id, static_cast<Node*>(nullptr));
    const int half = static_cast<int>(left.n) / 2;
    const int moved = static_cast<int>(left.n) - half;
    move_entries(right, 0, left, half, moved);
    right.n = static_cast<Id>(moved);
    left.n = static_cast<Id>(half);
    seal(left);
    seal(right);
    Id right_count = 0;
    for (int e = 0; e < moved; ++e) right_count += weight(right, e);
    if constexpr (std::is_same_v<Node, Leaf>) link_after(left_id, right_id);
    shift_entries(parent, i + 1, 1);
    parent.child[i + 1] = right_id;
    parent.count[i + 1] = right_count;
    parent.count[i] -= right_count;
    parent.max[i + 1] = parent.max[i];
    parent.max[i] = largest(left_id, child_level);
  }

  void link_after(Id left, Id right) noexcept {
    const Id after = leaves_[left].next;
    leaves_[right].prev = left;
    leaves_[right].next = after;
    if (after != none) leaves_[after].prev = right;
    leaves_[left].next = right;
  }

  /// Child i of `parent` has the minimum: borrow from a sibling or merge with one, so that one
  /// erase below leaves it valid. Returns where the child (now holding x) sits.
  int refill_child(Inner& parent, int i, int child_level) noexcept {
    return child_level == 0 ? refill_child_as<Leaf>(parent, i, child_level)
                            : refill_child_as<Inner>(parent, i, child_level);
  }
  template <class Node>
  int refill_child_as(Inner& parent, int i, int child_level) noexcept {
    constexpr Node* tag = nullptr;
    Node& middle = node_at(parent.child[i], tag);
    const int n = static_cast<int>(parent.n);
    if (i > 0 && entries(parent.child[i - 1], child_level) > minimum(child_level)) {
      Node& left = node_at(parent.child[i - 1], tag);  // its last entry moves to our front
      const int last = static_cast<int>(left.n) - 1;
      const Id moved = weight(left, last);
      shift_entries(middle, 0, 1);
      move_entries(middle, 0, left, last, 1);
      left.n = static_cast<Id>(last);
      seal(left);
      parent.count[i - 1] -= moved;
      parent.count[i] += moved;
      parent.max[i - 1] = largest(parent.child[i - 1], child_level);
      return i;
    }
    if (i + 1 < n && entries(parent.child[i + 1], child_level) > minimum(child_level)) {
      Node& right = node_at(parent.child[i + 1], tag);  // its first entry moves to our back
      const Id moved = weight(right, 0);
      move_entries(middle, static_cast<int>(middle.n), right, 0, 1);
      ++middle.n;
      shift_entries(right, 1, -1);
      parent.count[i + 1] -= moved;
      parent.count[i] += moved;
      parent.max[i] = largest(parent.child[i], child_level);
      return i;
    }
    const int keep = i > 0 ? i - 1 : i;  // merge the pair (keep, keep + 1) into keep
    Node& into = node_at(parent.child[keep], tag);
    const Id gone = parent.child[keep + 1];
    const Node& from = node_at(gone, tag);
    move_entries(into, static_cast<int>(into.n), from, 0, static_cast<int>(from.n));
    into.n += from.n;
    if constexpr (std::is_same_v<Node, Leaf>) {
      into.next = from.next;
      if (from.next != none) leaves_[from.next].prev = parent.child[keep];
      free_leaves_[free_leaf_count_++] = gone;
    } else {
      free_inners_[free_inner_count_++] = gone;
    }
    parent.count[keep] += parent.count[keep + 1];
    parent.max[keep] = parent.max[keep + 1];
    shift_entries(parent, keep + 2, -1);
    return keep;
  }

  bool valid_node(Id node, int level, bool is_root, Index& counted) const noexcept {
    const int n = entries(node, level);
    if (n > capacity(level) || (!is_root && n < minimum(level))) return false;
    for (int k = n; k < capacity(level) + (level == 0); ++k) {  // unused slots hold the sentinel
      if ((level == 0 ? leaves_[node].keys[k] : inners_[node].max[k]) != sentinel) return false;
    }
    if (level == 0) {
      counted += n;
      return true;
    }
    const Inner& inner = inners_[node];
    if (is_root && n < 2) return false;
    for (int i = 0; i < n; ++i) {
      Index below = 0;
      if (!valid_node(inner.child[i], level - 1, false, below)) return false;
      if (below != static_cast<Index>(inner.count[i])) return false;
      if (largest(inner.child[i], level - 1) != inner.max[i]) return false;
      counted += below;
    }
    return true;
  }

  detail::Buffer<Leaf, leaf_pool(Capacity)> leaves_;
  detail::Buffer<Inner, inner_pool(Capacity)> inners_;
  detail::Buffer<Id, leaf_pool(Capacity)> free_leaves_;
  detail::Buffer<Id, inner_pool(Capacity)> free_inners_;
  Index max_size_;
  Index free_leaf_count_ = 0;
  Index free_inner_count_ = 0;
  Id root_ = 0;
  int height_ = 0;  // inner levels above the leaves
  Index size_ = 0;
};

/// The p-quantile of a non-empty tree by numpy's default "linear" method: the values of rank
/// floor(p (n - 1)) and the next, interpolated. In double, as the batch detectors compute it.
template <Scalar T, Index Capacity>
double quantile(const OrderStatisticTree<T, Capacity>& tree, double p) noexcept {
  const double position = p * static_cast<double>(tree.size() - 1);
  const auto below = static_cast<Index>(std::floor(position));
  const auto at = tree.find(below);
  const auto low = static_cast<double>(tree.value(at));
  if (below + 1 >= tree.size()) return low;
  const auto high = static_cast<double>(tree.value(tree.next(at)));
  return low + (position - static_cast<double>(below)) * (high - low);
}

}  // namespace anomaly
